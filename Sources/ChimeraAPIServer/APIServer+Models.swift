import ChimeraCore
import Hummingbird

extension APIServer {
    /// `GET /v1/models`: OpenAI's model list, so the openai SDK's `models.list()` works with
    /// `base_url` set to `<server>/v1`.
    ///
    /// Every configured provider's models, each id written `<provider>/<model>` as
    /// `POST /v1/chat/completions` takes it. A provider whose list failed or was late is named
    /// under `errors` (a member OpenAI's SDKs ignore) instead of vanishing silently; when every
    /// list failed, the answer is the first failure.
    func openAIModels() async throws -> Response {
        let configured = ProviderID.allCases.filter(isConfigured)
        let lists = await modelLists(of: configured)
        var models: [OpenAIModelList.Model] = []
        var errors: [OpenAIModelList.Failure] = []
        var firstError: ChimeraError?
        for id in configured {
            switch lists[id] {
            case .success(let list)?:
                models += list.map { OpenAIModelList.Model(id: "\(id.rawValue)/\($0.id)", ownedBy: id.rawValue) }
            case .failure(let error)?:
                firstError = firstError ?? error
                errors.append(OpenAIModelList.Failure(provider: id.rawValue, message: error.description))
            case nil:
                break
            }
        }
        if models.isEmpty, let firstError { throw firstError }
        return try .json(OpenAIModelList(data: models, errors: errors.isEmpty ? nil : errors))
    }
}

/// The body of `GET /v1/models`, in OpenAI's shape.
struct OpenAIModelList: Encodable {
    struct Model: Encodable {
        var id: String
        var object = "model"
        var created = 0
        var ownedBy: String
        enum CodingKeys: String, CodingKey { case id, object, created, ownedBy = "owned_by" }
    }

    struct Failure: Encodable {
        var provider: String
        var message: String
    }

    var object = "list"
    var data: [Model]
    var errors: [Failure]?
}

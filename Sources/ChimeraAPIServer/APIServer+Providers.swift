import ChimeraCore
import Hummingbird

extension APIServer {
    /// `GET /api/v1/providers`: every provider, whether it can be called in the current mode, its
    /// capabilities and, for those that can, its models.
    ///
    /// Model lists are fetched concurrently, each bounded by ``Options/modelListTimeout``; one that
    /// fails or is late is reported in `models_error` without failing the others.
    func providers() async throws -> Response {
        let configured = ProviderID.allCases.filter(isConfigured)
        let lists = await modelLists(of: configured)
        let entries = ProviderID.allCases.map { id in
            var entry = ProvidersBody.Entry(
                id: id.rawValue, name: id.displayName, family: id.family.rawValue, configured: configured.contains(id),
                capabilities: ProvidersBody.Capabilities(ProviderCapabilities.of(id))
            )
            switch lists[id] {
            case .success(let models)?:
                entry.models = models.map { ProvidersBody.Model(id: $0.id, displayName: $0.displayName) }
            case .failure(let error)?:
                entry.modelsError = error.description
            case nil:
                break
            }
            return entry
        }
        let configuration = service.configuration
        return try .json(ProvidersBody(
            mode: configuration.connectionMode.rawValue,
            fallbackToDirect: configuration.connectionMode == .proxy && configuration.proxy.fallbackToDirect,
            providers: entries
        ))
    }

    /// Whether `id` can be called in the current mode: in proxy mode every provider can (the
    /// proxy holds the keys); directly, one needs its key, and Cursor its base URL.
    func isConfigured(_ id: ProviderID) -> Bool {
        let configuration = service.configuration
        if configuration.connectionMode == .proxy { return true }
        let settings = configuration.provider(id)
        return settings.baseURL != nil && (settings.apiKey != nil || id == .cursor)
    }

    /// The model lists of `providers`, fetched concurrently: each a list or why it did not arrive.
    func modelLists(of providers: [ProviderID]) async -> [ProviderID: Result<[ModelInfo], ChimeraError>] {
        await withTaskGroup(of: (ProviderID, Result<[ModelInfo], ChimeraError>).self) { group in
            for id in providers {
                group.addTask { (id, await models(of: id)) }
            }
            var lists: [ProviderID: Result<[ModelInfo], ChimeraError>] = [:]
            for await (id, result) in group { lists[id] = result }
            return lists
        }
    }

    /// One provider's models, or why they did not arrive within ``Options/modelListTimeout``.
    private func models(of id: ProviderID) async -> Result<[ModelInfo], ChimeraError> {
        let service = self.service
        let limit = options.modelListTimeout
        return await withTaskGroup(of: Result<[ModelInfo], ChimeraError>?.self) { group in
            group.addTask {
                do {
                    return .success(try await service.listModels(id))
                } catch {
                    return .failure(ChimeraError(wrapping: error))
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: limit)
                } catch {
                    // Cancelled: the list came first.
                    return nil
                }
                return .failure(ChimeraError(kind: .timeout, message: "the model list did not arrive within \(limit.formattedSeconds)", provider: id))
            }
            defer { group.cancelAll() }
            return await group.next().flatMap { $0 } ?? .failure(.cancelled(provider: id))
        }
    }
}

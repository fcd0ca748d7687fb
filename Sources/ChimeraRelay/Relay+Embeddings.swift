import Chimera
import ChimeraAudit
import ChimeraWire
import HTTPTypes
import Hummingbird
import NIOCore

extension Relay {
    /// Answers one embeddings request of either server: read once, checked once (the same
    /// refusal of a provider without embeddings on every path), embedded through the
    /// ``LLMService``, and answered — or failed — in the caller's protocol. Nothing is thrown.
    ///
    /// The vectors are always decoded and re-encoded (no same-family pass-through): an answer is
    /// one body, and the caller's `encoding_format` must hold whatever the upstream sent.
    public func embed(_ inbound: InboundEmbedding, caller: any EmbeddingCallerBinding, context: CallContext) async -> Response {
        let started = ContinuousClock.now
        var request: EmbeddingRequest?
        do throws(ChimeraError) {
            var read = try caller.decodeRequest(inbound.body, provider: inbound.provider ?? .openai, model: inbound.model)
            if let retarget = inbound.retarget {
                (read.provider, read.model) = try retarget(read.model)
            }
            request = read
            AuditNotes.current?.note(provider: read.provider)
            // Checked before anything else can fail, so a bad request gets the same message
            // whatever the configuration.
            try read.validate()
            let response = try await service.embed(read, context: context)
            if let usage = response.usage { AuditNotes.current?.note(.usage(usage)) }
            var answer = Response(
                status: .ok, headers: [.contentType: caller.responseContentType],
                body: .init(byteBuffer: ByteBuffer(bytes: try caller.encodeResponse(response, for: read)))
            )
            answer.headers.describe(route: response.route, wireProtocol: response.wireProtocol, dropped: response.droppedFields)
            record(provider: read.provider, model: read.model, streamed: false, passedThrough: false, route: response.route,
                   status: 200, error: nil, usage: response.usage, started: started, context: context)
            return answer
        } catch {
            let failure = Self.errorResponse(error, caller: caller.errors, streaming: false)
            record(provider: request?.provider ?? inbound.provider, model: request?.model ?? inbound.model ?? "", streamed: false, passedThrough: false,
                   status: Int(failure.status.code), error: error, usage: nil, started: started, context: context)
            return failure
        }
    }
}

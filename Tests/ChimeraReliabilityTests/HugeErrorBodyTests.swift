import Chimera
import ChimeraServerSupport
import Foundation
import Hummingbird
import Testing

/// Issue 15, item 10: an error answer with a huge body (a gateway's 100 MB page) is reported by
/// its status and the start of its body, not as "an empty body", and costs only the start read.
@Suite("Huge error bodies")
struct HugeErrorBodyTests {
    /// 100 MB of HTML in 64 KiB writes; the writer stops when the client leaves.
    static let bodyBytes = 100 << 20

    @Test(arguments: [false, true])
    func aHugeErrorBodyIsReportedByItsStart(stream: Bool) async throws {
        let router = Router()
        router.post("**") { _, _ in
            let piece = ByteBuffer(string: "<html>" + String(repeating: "gateway failure ", count: 4096))
            return Response(status: .internalServerError, headers: [.contentType: "text/html"], body: ResponseBody { writer in
                var written = 0
                while written < Self.bodyBytes {
                    try await writer.write(piece)
                    written += piece.readableBytes
                }
                try await writer.finish(nil)
            })
        }
        let upstream = try await RunningServer.start(router: router)
        var configuration = ChimeraConfiguration()
        configuration.direct.maxRetries = 0
        configuration.providers[.openai]?.baseURL = upstream.baseURL
        configuration.providers[.openai]?.apiKey = Secret("huge-error-key")
        let outcome: Result<Void, ChimeraError>
        do {
            outcome = try await withService(configuration) { service in
                do throws(ChimeraError) {
                    let chat = request(.openai, model: "gpt-4.1", stream: stream)
                    if stream {
                        for try await _ in try await service.stream(chat) {}
                    } else {
                        _ = try await service.complete(chat)
                    }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            try await upstream.shutdown()
            throw error
        }
        try await upstream.shutdown()
        guard case .failure(let error) = outcome else {
            Issue.record("a 500 passed as a success")
            return
        }
        #expect(error.status == 500)
        #expect(error.description.contains("HTTP 500"), "\(error)")
        #expect(error.description.contains("empty body") == false, "\(error)")
        #expect(error.description.contains("not JSON"), "\(error)")
        #expect((error.bodyExcerpt ?? "").contains("gateway failure"), "\(String(describing: error.bodyExcerpt))")
    }
}

public import ChimeraCore
public import Hummingbird
public import NIOCore

extension Request {
    /// The whole body, at most `limit` bytes.
    ///
    /// - Throws: ``ChimeraCore/ChimeraError`` with status 413 when the body is larger, and 400
    ///   when its framing is malformed (a bad chunk size, a connection closed mid-body): the
    ///   client's request was wrong, not the server or an upstream.
    public func wholeBody(upTo limit: Int) async throws(ChimeraError) -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw ChimeraError(kind: .invalidRequest, message: "the request body is larger than \(limit) bytes, the most this server accepts", status: 413)
        } catch {
            throw ChimeraError(kind: .invalidRequest, message: "the request body could not be read: \(error)", status: 400)
        }
    }
}

import AsyncHTTPClient
import ChimeraServerSupport
import ChimeraWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Synchronization

/// A proxy in front of `chimera proxy` that passes every request through, except that it can
/// refuse the binary protocol as a JSON-only proxy does.
///
/// Refusing, it is a small AIClient-2-API: the Connect paths answer `refusal` (404 as for any
/// unknown path, or 415) with a JSON body that is no Connect error, and `/health` names no
/// `"protocols"`. The JSON routes still reach the real proxy behind, so answers are real.
/// Turning refusal on while running is a proxy that changed under its clients (a redeploy).
final class ProtobufClientFakeProxy: Sendable {
    /// What it has seen.
    struct Tally: Sendable {
        /// Requests per Connect call, by procedure name.
        var connectCalls: [String: Int] = [:]
        /// Refused Connect calls.
        var refused = 0
        /// JSON chat requests passed through.
        var jsonChats = 0
        /// Answers with a status of 400 or more that were not refusals of the binary protocol.
        var failedAnswers = 0
    }

    let server: RunningServer
    private let client: HTTPClient
    private let behaviour: Behaviour

    var baseURL: URL { server.baseURL }
    var tally: Tally { behaviour.state.withLock { $0.tally } }

    /// Refuses the binary protocol with `status` from now on, or serves it again with `nil`.
    func refuse(with status: Int?) { behaviour.state.withLock { $0.refusal = status } }

    private init(server: RunningServer, client: HTTPClient, behaviour: Behaviour) {
        self.server = server
        self.client = client
        self.behaviour = behaviour
    }

    /// Starts a front for the proxy at `target`, refusing the binary protocol with `refusal` (or not, with `nil`).
    static func start(target: URL, refusal: Int?) async throws -> ProtobufClientFakeProxy {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let behaviour = Behaviour(refusal: refusal)
        let router = Router(context: BasicRequestContext.self)
        router.get("health") { request, _ in
            guard behaviour.refusal == nil else {
                return Response(status: .ok, headers: [.contentType: "application/json"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"healthy","provider":"openai-custom"}"#)))
            }
            return try await forward(request, to: target, client: client)
        }
        router.on("**", method: .post) { request, _ in try await answer(request, target: target, client: client, behaviour: behaviour) }
        router.on("**", method: .get) { request, _ in try await answer(request, target: target, client: client, behaviour: behaviour) }
        let server = try await RunningServer.start(router: router)
        return ProtobufClientFakeProxy(server: server, client: client, behaviour: behaviour)
    }

    func shutdown() async throws {
        try await server.shutdown()
        try await client.shutdown()
    }

    /// The switch and the counters, shared with the routes.
    private final class Behaviour: Sendable {
        let state: Mutex<(refusal: Int?, tally: Tally)>
        init(refusal: Int?) { state = Mutex((refusal, Tally())) }
        var refusal: Int? { state.withLock { $0.refusal } }
        func count(_ update: (inout Tally) -> Void) { state.withLock { update(&$0.tally) } }
    }

    private static func answer(_ request: Request, target: URL, client: HTTPClient, behaviour: Behaviour) async throws -> Response {
        let path = request.uri.path
        if let procedure = ProxyProcedure.allCases.first(where: { path.hasSuffix($0.path) }) {
            behaviour.count { $0.connectCalls[procedure.rawValue, default: 0] += 1 }
            if let status = behaviour.refusal {
                behaviour.count { $0.refused += 1 }
                // What a JSON-only server says to a path or a content type it does not serve.
                return Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"error":{"message":"Not Found","code":"not_found"}}"#)))
            }
        } else if request.method == .post {
            behaviour.count { $0.jsonChats += 1 }
        }
        let response = try await forward(request, to: target, client: client)
        if response.status.code >= 400 { behaviour.count { $0.failedAnswers += 1 } }
        return response
    }

    /// Sends the request on to `target` and answers with what came back (bodies buffered).
    private static func forward(_ request: Request, to target: URL, client: HTTPClient) async throws -> Response {
        var outbound = HTTPClientRequest(url: target.absoluteString + request.uri.string)
        outbound.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where field.name != .contentLength {
            outbound.headers.add(name: field.name.rawName, value: field.value)
        }
        outbound.body = .bytes(try await request.body.collect(upTo: 16 << 20))
        let upstream = try await client.execute(outbound, timeout: .seconds(30))
        let body = try await upstream.body.collect(upTo: 16 << 20)
        var headers = HTTPFields()
        for header in upstream.headers where !["content-length", "transfer-encoding", "connection"].contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(status: HTTPResponse.Status(code: Int(upstream.status.code)), headers: headers, body: ResponseBody(byteBuffer: body))
    }
}

import AsyncHTTPClient
import ChimeraCore
import ChimeraSimulator
import Foundation
import NIOCore
import Synchronization
import Testing


/// The prompt most tests send: a system prompt of 3 words and a user message of 4 words, two of
/// them non-ASCII, so Unicode crosses every path.
enum Prompt {
    static let system = "You are terse."
    static let user = "Hello wörld 🌍 こんにちは"

    /// The reply the simulator gives to ``user`` from `model`.
    static func reply(from model: String) -> String { "Simulated reply from \(model): \(user)" }
}

/// One chat call, written in the protocol's own JSON shape.
struct ChatCall {
    var wire: Wire
    var model: String
    var system: String? = Prompt.system
    var user: String = Prompt.user
    var stream = false
    var maxTokens: Int?
    var stop: [String] = []
    var includeUsage = false
    /// The API key; `nil` sends none.
    var key: String? = "test-key"
    var headers: [(String, String)] = []

    init(_ wire: Wire, model: String? = nil) {
        self.wire = wire
        self.model = model ?? wire.model
    }

    /// The HTTP request to `simulator`.
    func request(to simulator: RunningSimulator) throws -> HTTPClientRequest {
        let base = simulator.baseURL(for: wire.provider).absoluteString
        var body: [String: Any] = [:]
        var request: HTTPClientRequest
        switch wire {
        case .openAI:
            request = HTTPClientRequest(url: base + "/chat/completions")
            var messages: [[String: Any]] = []
            if let system { messages.append(["role": "system", "content": system]) }
            messages.append(["role": "user", "content": user])
            body = ["model": model, "messages": messages, "stream": stream]
            if let maxTokens { body["max_completion_tokens"] = maxTokens }
            if !stop.isEmpty { body["stop"] = stop }
            if includeUsage { body["stream_options"] = ["include_usage": true] }
            if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        case .anthropic:
            request = HTTPClientRequest(url: base + "/v1/messages")
            body = ["model": model, "max_tokens": maxTokens ?? 1024, "messages": [["role": "user", "content": user]], "stream": stream]
            if let system { body["system"] = system }
            if !stop.isEmpty { body["stop_sequences"] = stop }
            if let key { request.headers.add(name: "x-api-key", value: key) }
            request.headers.add(name: "anthropic-version", value: "2023-06-01")
        case .gemini:
            let method = stream ? "streamGenerateContent?alt=sse" : "generateContent"
            let path = try #require(model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed))
            request = HTTPClientRequest(url: base + "/v1beta/models/\(path):\(method)")
            body = ["contents": [["role": "user", "parts": [["text": user]]]]]
            if let system { body["systemInstruction"] = ["parts": [["text": system]]] }
            var generationConfig: [String: Any] = [:]
            if let maxTokens { generationConfig["maxOutputTokens"] = maxTokens }
            if !stop.isEmpty { generationConfig["stopSequences"] = stop }
            if !generationConfig.isEmpty { body["generationConfig"] = generationConfig }
            if let key { request.headers.add(name: "x-goog-api-key", value: key) }
        }
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        return request
    }
}

/// A response read to its end.
struct CollectedResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: String

    /// The value of a response header, by case-insensitive name.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body parsed as JSON.
    func json() throws -> JSONTree { try JSONTree(parsing: body) }

    /// The body parsed as Server-Sent Events.
    func events() throws -> [SSEEvent] {
        var parser = SSEParser()
        var events = try parser.parse(Array(body.utf8))
        if let last = parser.finish() { events.append(last) }
        return events
    }
}

/// Sends `request` and reads the whole response.
func send(
    _ request: HTTPClientRequest,
    client: HTTPClient = .shared,
    timeout: TimeAmount = .seconds(30)
) async throws -> CollectedResponse {
    let response = try await client.execute(request, timeout: timeout)
    let body = try await response.body.collect(upTo: 64 << 20)
    return CollectedResponse(status: Int(response.status.code), headers: Array(response.headers), body: String(buffer: body))
}

/// Sends `call` to `simulator` and reads the whole response.
func send(_ call: ChatCall, to simulator: RunningSimulator, timeout: TimeAmount = .seconds(30)) async throws -> CollectedResponse {
    try await send(call.request(to: simulator), timeout: timeout)
}

/// How reading a stream incrementally ended.
struct PartialStream {
    /// The events received, in order.
    var events: [SSEEvent] = []
    /// The error that ended the body, or `nil` when it ended cleanly or the reader stopped.
    var error: (any Error)?
}

/// Reads a stream incrementally until it ends, fails, or `stopAfter` says to stop.
///
/// Stopping leaves the rest of the body unread, which makes the client drop the connection.
func readEvents(of response: HTTPClientResponse, stopAfter: ([SSEEvent]) throws -> Bool = { _ in false }) async throws -> PartialStream {
    var parser = SSEParser()
    var stream = PartialStream()
    do {
        for try await buffer in response.body {
            stream.events += try parser.parse(buffer.readableBytesView)
            if try stopAfter(stream.events) { return stream }
        }
    } catch {
        stream.error = error
    }
    return stream
}

/// The text of a unary answer.
func unaryText(_ wire: Wire, _ body: JSONTree) -> String? {
    switch wire {
    case .openAI: body["choices"][0]["message"]["content"].string
    case .anthropic: body["content"][0]["text"].string
    case .gemini: body["candidates"][0]["content"]["parts"][0]["text"].string
    }
}

/// The text one stream event carries, if any.
func streamedText(_ wire: Wire, _ event: SSEEvent) throws -> String? {
    guard event.data != "[DONE]" else { return nil }
    let json = try JSONTree(parsing: event.data)
    switch wire {
    case .openAI: return json["choices"][0]["delta"]["content"].string
    case .anthropic: return event.event == "content_block_delta" ? json["delta"]["text"].string : nil
    case .gemini: return json["candidates"][0]["content"]["parts"][0]["text"].string
    }
}

/// The text of a whole stream.
func streamedText(_ wire: Wire, _ events: [SSEEvent]) throws -> String {
    try events.compactMap { try streamedText(wire, $0) }.joined()
}

/// Whether an event carries a word of the reply (not the opening or closing events).
func isTextChunk(_ wire: Wire, _ event: SSEEvent) throws -> Bool {
    guard let text = try streamedText(wire, event) else { return false }
    return !text.isEmpty
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(within timeout: Duration = .seconds(30), _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try await Task.sleep(for: .milliseconds(20))
    }
    return true
}

/// Reads a stream in a background task, for tests that watch a stream that may never end.
///
/// AsyncHTTPClient's request deadline stops applying once the response head has arrived, so a
/// test gives up on a stalled body by cancelling the reading task, as a client would.
final class StreamWatcher: Sendable {
    private let received = Mutex<[SSEEvent]>([])
    private let task = Mutex<Task<Void, any Error>?>(nil)

    /// Starts reading the response to `request`.
    static func start(_ request: HTTPClientRequest) -> StreamWatcher {
        let watcher = StreamWatcher()
        let task = Task {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            var parser = SSEParser()
            for try await buffer in response.body {
                let events = try parser.parse(buffer.readableBytesView)
                watcher.received.withLock { $0 += events }
            }
        }
        watcher.task.withLock { $0 = task }
        return watcher
    }

    /// The events received so far.
    var events: [SSEEvent] { received.withLock { $0 } }

    /// Stops reading, which makes the client drop the connection.
    func stop() async {
        let task = task.withLock { $0 }
        task?.cancel()
        _ = await task?.result
    }
}

import AsyncHTTPClient
import ChimeraCore
import ChimeraWire
import Foundation
import Logging
import Synchronization

/// Which wire protocol to speak to one proxy (`PROXY_PROTOCOL`), and what has been learnt about
/// it; one instance is shared by the six providers that reach that proxy.
///
/// `json` and `protobuf` are fixed choices. With `auto` the binary protocol is used exactly when
/// the proxy offers it, which is learnt, in order of precedence:
/// 1. a **refusal**: a binary request answered as unsupported (``recordRefusal(_:)``) means JSON
///    until the health monitor's next check when the monitor runs, otherwise for
///    ``reprobeInterval``;
/// 2. the **health monitor**: the `"protocols"` of the proxy's `/health` at its last successful
///    check (``ProxyHealthMonitor/advertisedProtocols``), when it names any;
/// 3. a **probe**: `GetCapabilities` (a `GET`, as Connect allows for it), asked once and kept for
///    ``reprobeInterval``. Concurrent requests share one probe. A proxy that answers it with
///    anything but a protobuf `Capabilities` of this protocol version (404 from AIClient-2-API,
///    415, HTML…) speaks JSON; one that cannot be reached, or answers 401, 403, 408, 429 or 5xx,
///    has said nothing yet, so that request uses JSON and the next one asks again.
public final class NegotiatedProxyProtocol: Sendable {
    /// The configured preference.
    public let preference: ProxyProtocolPreference
    /// How long a probe's answer, or a refusal when no monitor runs, is trusted.
    public let reprobeInterval: Duration

    private let capabilitiesURL: URL
    private let apiKey: Secret?
    private let transport: HTTPTransport
    private let probeTimeout: Duration
    private let monitor: ProxyHealthMonitor?
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var refusal: Refusal?
        var probed: (wireProtocol: WireProtocol, at: ContinuousClock.Instant)?
        var probing: Task<WireProtocol?, Never>?
    }

    /// A refused binary request: when, and the monitor's last check at that moment.
    private struct Refusal {
        var at: ContinuousClock.Instant
        var monitorCheck: Date?
    }

    /// Creates the negotiation for the proxy of `proxy`.
    ///
    /// - Parameters:
    ///   - proxy: The proxy's URL, key and `PROXY_PROTOCOL`; its health-check period is the
    ///     default ``reprobeInterval`` and bounds the probe's time limit (5 s at most).
    ///   - transport: The shared HTTP transport, for the probe.
    ///   - monitor: The proxy's health monitor, whose checks are read when it has any.
    ///   - reprobeInterval: How long a probe or a refusal is trusted; by default the health
    ///     check period.
    ///   - logger: Where switches to JSON (`warning`) and what was learnt (`debug`) are logged.
    public init(
        proxy: ProxyConfiguration,
        transport: HTTPTransport,
        monitor: ProxyHealthMonitor? = nil,
        reprobeInterval: Duration? = nil,
        logger: Logger = Logger(label: "chimera", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.preference = proxy.wireProtocol
        self.reprobeInterval = reprobeInterval ?? proxy.healthCheckInterval
        self.capabilitiesURL = URL(string: proxy.serverURL.absoluteString + ProxyProcedure.getCapabilities.path)!
        self.apiKey = proxy.apiKey
        self.transport = transport
        self.probeTimeout = ProxyHealthMonitor.Configuration(proxy: proxy).checkTimeout
        self.monitor = monitor
        var logger = logger
        logger[metadataKey: "proxy_url"] = "\(Redaction.redact(proxy.serverURL.absoluteString))"
        self.logger = logger
    }

    /// Whether a binary request refused as unsupported is sent again in JSON (`auto` only: a
    /// fixed `protobuf` reports the refusal).
    public var fallsBackToJSON: Bool { preference == .auto }

    /// The protocol the next request uses.
    public func choose() async -> WireProtocol {
        switch preference {
        case .json: return .json
        case .protobuf: return .protobuf
        case .auto: break
        }
        if refusalInForce() { return .json }
        if let advertised = monitor?.advertisedProtocols {
            return advertised.contains(WireProtocol.protobuf.rawValue) ? .protobuf : .json
        }
        let now = ContinuousClock.now
        if let probed = state.withLock({ $0.probed }), now - probed.at < reprobeInterval {
            return probed.wireProtocol
        }
        return await probeOnce() ?? .json
    }

    /// Records that the proxy answered a binary request as unsupported: JSON until the health
    /// monitor's next check (when the monitor runs) or for ``reprobeInterval``.
    ///
    /// - Parameter error: The refusal, for the log.
    public func recordRefusal(_ error: ChimeraError) {
        let monitorCheck = monitor.flatMap { $0.isRunning ? $0.report.lastCheckAt : nil }
        let isNew = state.withLock { state in
            let isNew = state.refusal == nil
            state.refusal = Refusal(at: .now, monitorCheck: monitorCheck)
            state.probed = nil
            return isNew
        }
        if isNew {
            logger.warning("the proxy refused the binary protocol; using JSON", metadata: [
                "status": "\(error.status.map(String.init) ?? "-")", "error": "\(error.description)",
            ])
        }
    }

    /// Whether a refusal still decides; forgets one that no longer does.
    private func refusalInForce() -> Bool {
        guard let refusal = state.withLock({ $0.refusal }) else { return false }
        let inForce: Bool
        if let monitor, monitor.isRunning {
            inForce = monitor.report.lastCheckAt == refusal.monitorCheck
        } else {
            inForce = ContinuousClock.now - refusal.at < reprobeInterval
        }
        if !inForce {
            state.withLock { state in
                if state.refusal?.at == refusal.at { state.refusal = nil }
            }
        }
        return inForce
    }

    /// Asks the proxy, or joins the question already asked.
    private func probeOnce() async -> WireProtocol? {
        let task: Task<WireProtocol?, Never> = state.withLock { current in
            if let running = current.probing { return running }
            let task = Task { [self] in
                let learned = await probe()
                state.withLock { current in
                    current.probing = nil
                    if let learned { current.probed = (learned, .now) }
                }
                return learned
            }
            current.probing = task
            return task
        }
        return await task.value
    }

    /// `GET GetCapabilities`: the protocol the answer means, or `nil` when it means nothing yet.
    private func probe() async -> WireProtocol? {
        var request = UpstreamRequest(url: capabilitiesURL.absoluteString)
        request.headers.add(name: ConnectProtocol.protocolVersionHeader, value: ConnectProtocol.protocolVersion)
        if let apiKey { request.headers.add(name: "authorization", value: "Bearer \(apiKey.value)") }
        let reply: HTTPTransport.Reply
        do {
            reply = try await transport.send(request, timeout: probeTimeout, lane: .control, logger: logger) { failure in
                ChimeraError(kind: .proxyUnavailable, message: "GetCapabilities failed: \(failure.detail)")
            }
        } catch {
            logger.debug("the proxy could not be asked for its capabilities", metadata: ["error": "\(error.description)"])
            return nil
        }
        let learned = Self.wireProtocol(answeredWith: reply)
        logger.debug("learnt the proxy's wire protocol", metadata: [
            "status": "\(reply.status)", "wire_protocol": "\(learned?.rawValue ?? "undecided")",
        ])
        return learned
    }

    /// What a `GetCapabilities` answer says about the binary protocol.
    static func wireProtocol(answeredWith reply: HTTPTransport.Reply) -> WireProtocol? {
        switch reply.status {
        case 200:
            let contentType = reply.headers.first { $0.name.lowercased() == "content-type" }?.value
                .split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard contentType == ProxyProcedure.getCapabilities.contentType else { return .json }
            do {
                let capabilities = try Chimera_Proxy_V1_Capabilities(protobuf: reply.body)
                let speaksIt = capabilities.protocolVersion == Chimera_Proxy_V1_Capabilities.currentProtocolVersion
                    && capabilities.offeredEncodings.contains(.protobuf)
                return speaksIt ? .protobuf : .json
            } catch {
                return .json
            }
        case 401, 403, 408, 429, 500...:
            // The proxy is busy, broken or wants a key: no statement about encodings.
            return nil
        default:
            return .json
        }
    }
}

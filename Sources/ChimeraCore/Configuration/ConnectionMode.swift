/// How Chimera reaches providers.
public enum ConnectionMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Chimera calls each provider's API itself.
    case direct
    /// Every request goes through one LLM proxy (`PROXY_SERVER_URL`).
    case proxy
}

/// Which encoding Chimera uses on its hop to the proxy.
public enum ProxyProtocolPreference: String, Sendable, Hashable, Codable, CaseIterable {
    /// Protocol buffers when the proxy offers them, JSON otherwise.
    case auto
    /// Always JSON.
    case json
    /// Always protocol buffers.
    case protobuf
}

/// The log levels of `CHIMERA_LOG_LEVEL`, from most to least verbose (swift-log's names).
public enum LogLevel: String, Sendable, Hashable, Codable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

/// The constants of the Connect protocol (https://connectrpc.com/docs/protocol) that Chimera's
/// binary proxy hop uses, shared by the proxy client and the proxy server.
public enum ConnectProtocol {
    /// The content type of a unary request and of its successful response: a bare protobuf message.
    public static let unaryProtoContentType = "application/proto"

    /// The content type of a streaming request and response: enveloped protobuf messages.
    public static let streamingProtoContentType = "application/connect+proto"

    /// The content type of a unary error body (Connect's JSON error), whatever the call's codec.
    public static let errorContentType = "application/json"

    /// The header that marks a request as Connect traffic.
    ///
    /// Connect clients should send it and servers may reject unary requests without it (HTTP 400),
    /// which keeps other traffic with the same content type out.
    public static let protocolVersionHeader = "Connect-Protocol-Version"

    /// The value of ``protocolVersionHeader``: the only Connect version there is.
    public static let protocolVersion = "1"

    /// The largest message Chimera reads by default: 4 MiB, as gRPC limits received messages.
    public static let defaultMaximumMessageSize = 4 * 1024 * 1024
}

import ChimeraWire
import Foundation
import Testing

@Suite("Protobuf: schema, paths and content types")
struct ProtobufSchemaTests {
    static let protoFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protos/chimera/proxy/v1/proxy.proto")

    @Test func pathsNameTheServiceAndMethodsOfTheProtoFile() throws {
        let proto = try String(contentsOf: Self.protoFile, encoding: .utf8)
        #expect(proto.contains("package chimera.proxy.v1;"))
        #expect(proto.contains("service ProxyService {"))
        #expect(ProxyProcedure.serviceName == "chimera.proxy.v1.ProxyService")
        for procedure in ProxyProcedure.allCases {
            #expect(proto.contains("rpc \(procedure.rawValue)("), "\(procedure)")
        }
        #expect(proto.contains("rpc Stream(ChatRequest) returns (stream StreamFrame);"))
    }

    @Test(arguments: [
        (ProxyProcedure.complete, "/chimera.proxy.v1.ProxyService/Complete", "application/proto", false),
        (.stream, "/chimera.proxy.v1.ProxyService/Stream", "application/connect+proto", true),
        (.getCapabilities, "/chimera.proxy.v1.ProxyService/GetCapabilities", "application/proto", false),
    ])
    func procedureHasItsConnectPathAndContentType(_ procedure: ProxyProcedure, _ path: String, _ contentType: String, _ streaming: Bool) {
        #expect(procedure.path == path)
        #expect(procedure.contentType == contentType)
        #expect(procedure.isServerStreaming == streaming)
        #expect(ProxyProcedure(path: path) == procedure)
    }

    @Test(arguments: ["/chimera.proxy.v1.ProxyService/complete", "/chimera.proxy.v1.ProxyService/", "/v1/chat/completions", ""])
    func pathOfAnotherRouteIsNotAProcedure(_ path: String) {
        #expect(ProxyProcedure(path: path) == nil)
    }

    @Test func detailTypeIsTheFullyQualifiedMessageName() {
        #expect(Chimera_Proxy_V1_Error.protoMessageName == "chimera.proxy.v1.Error")
        #expect(Chimera_Proxy_V1_StreamFrame.protoMessageName == "chimera.proxy.v1.StreamFrame")
    }

    @Test func connectConstantsAreTheProtocols() {
        #expect(ConnectProtocol.protocolVersionHeader == "Connect-Protocol-Version")
        #expect(ConnectProtocol.protocolVersion == "1")
        #expect(ConnectProtocol.errorContentType == "application/json")
        #expect(ConnectProtocol.defaultMaximumMessageSize == 4_194_304)
    }
}

import Chimera
import ChimeraAPIServer
import ChimeraProxyServer
import ChimeraServerSupport
import Foundation
import Testing

/// Issue 15, item 11: the keyless bind check decides on what a host really is, not on how its
/// name begins.
@Suite("The loopback check resolves names")
struct LoopbackBindTests {
    @Test(arguments: ["127.0.0.1", "127.5.6.7", "::1", "[::1]", "::ffff:127.0.0.1", "localhost", "LOCALHOST", "localhost."])
    func loopbackAddressesAndLocalhostPass(host: String) {
        #expect(LoopbackAddress.contains(host))
    }

    @Test(arguments: ["127.0.0.1.nip.io", "127.evil.example", "localhost.evil.example", "0.0.0.0", "::", "192.168.1.10", "::ffff:10.0.0.1", "", "no-such-host.invalid"])
    func everythingElseIsRefused(host: String) {
        #expect(!LoopbackAddress.contains(host))
    }

    @Test func aNameOtherThanLocalhostPassesOnlyWhenTheHostsFileMapsItToLoopback() throws {
        let empty = FileManager.default.temporaryDirectory.appending(path: "chimera-hosts-\(UUID().uuidString)")
        try "# nothing\n".write(to: empty, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(LoopbackAddress.contains("localhost", hostsFile: empty.path), "localhost is loopback by definition")
        // The machine's own names, where /etc/hosts maps them to loopback (Debian's 127.0.1.1),
        // resolve to loopback: they pass with the real file and fail without it, as a name only
        // DNS answers would.
        let hosts = (try? String(contentsOfFile: "/etc/hosts", encoding: .utf8)) ?? ""
        let local = hosts.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let fields = line.prefix { $0 != "#" }.split(whereSeparator: \.isWhitespace)
            guard fields.count > 1, fields[0].hasPrefix("127.") else { return nil }
            return fields.dropFirst().map(String.init).first { $0.lowercased() != "localhost" && !$0.contains("localhost") }
        }
        for name in local {
            #expect(LoopbackAddress.contains(name), "\(name) is mapped to loopback by /etc/hosts")
            #expect(!LoopbackAddress.contains(name, hostsFile: empty.path), "\(name) without the hosts file")
        }
    }

    @Test func neitherServerBindsANameThatOnlyLooksLocalWithoutAKey() async throws {
        for host in ["127.0.0.1.nip.io", "127.evil.example"] {
            let proxyError = await #expect(throws: ChimeraError.self) {
                try await RunningProxy.start(configuration: ChimeraConfiguration(), host: host, port: 0)
            }
            #expect(proxyError?.kind == .configuration, "\(host)")
            let serveError = await #expect(throws: ChimeraError.self) {
                try await RunningAPIServer.start(configuration: ChimeraConfiguration(), host: host, port: 0)
            }
            #expect(serveError?.kind == .configuration, "\(host)")
        }
        let local = try await RunningProxy.start(configuration: ChimeraConfiguration(), host: "localhost", port: 0)
        try await local.shutdown()
    }

    @Test(arguments: [("127.0.0.1:8080", true), ("localhost", true), ("LOCALHOST:1", true), ("[::1]:8000", true), ("127.9.9.9", true),
                      ("evil.example", false), ("127.0.0.1.nip.io:80", false), ("[::2]:80", false), ("localhost:abc", false), ("0.0.0.0:80", false), ("127.0.0.1:\u{663}", false)])
    func aRequestsHostIsJudgedWithoutALookup(authority: String, loopback: Bool) {
        #expect(LoopbackAddress.isLoopbackAuthority(authority) == loopback)
    }
}

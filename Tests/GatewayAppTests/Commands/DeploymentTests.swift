import Foundation
import Testing
import GatewayTestSupport

/// The files to deploy with: the systemd unit passes `systemd-analyze
/// verify` and keeps its sandbox; the Dockerfile is multi-stage with a health
/// check; shell completion lists every command.
@Suite("deployment files")
struct DeploymentTests {
    static let unit = RepositoryPaths.root.appendingPathComponent("deploy/complaint-gateway.service")

    @Test("the systemd unit passes systemd-analyze verify, reloads with SIGHUP and keeps its sandbox")
    func systemdUnit() async throws {
        let analyze = try #require(["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                   "systemd-analyze is installed by .ci/run (package systemd)")
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        for line in ["ExecReload=/bin/kill -HUP $MAINPID", "User=complaint-gateway", "Group=complaint-gateway", "ProtectSystem=strict", "StateDirectory=complaint-gateway",
                     "NoNewPrivileges=yes", "CapabilityBoundingSet=", "RestartPreventExitStatus=78", "ReadWritePaths="] {
            #expect(text.split(separator: "\n").contains { $0.hasPrefix(line) }, "\(line)")
        }
        // verify checks that ExecStart exists: point it at the binary under test.
        let dir = try TemporaryDirectory("unit")
        let unit = try dir.write("complaint-gateway.service",
                                 text.replacingOccurrences(of: "/usr/local/bin/complaint-gateway", with: ProcessRunner.gatewayExecutable.path))
        let verified = try await ProcessRunner.run(URL(fileURLWithPath: analyze), ["verify", "--man=no", unit.path])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stderr.isEmpty, "no warnings: \(verified.stderr)")

        // And it can fail: a misspelt directive is reported.
        let broken = try dir.write("broken.service", text.replacingOccurrences(of: "/usr/local/bin/complaint-gateway", with: ProcessRunner.gatewayExecutable.path)
            .replacingOccurrences(of: "ProtectSystem=strict", with: "ProtectSystem=stricter"))
        let refused = try await ProcessRunner.run(URL(fileURLWithPath: analyze), ["verify", "--man=no", broken.path])
        #expect(refused.stderr.contains("protect system value"), "\(refused.stderr)")
    }

    @Test("the Dockerfile builds with the Swift image, runs on a slim one, keeps var/ on a volume and checks /healthz")
    func dockerfile() throws {
        let text = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("deploy/Dockerfile"), encoding: .utf8)
        let froms = text.split(separator: "\n").filter { $0.hasPrefix("FROM ") }
        #expect(froms.count == 2)
        #expect(froms.first?.contains("swift:") == true && froms.last?.contains("-slim") == true)
        #expect(text.contains("COPY --from=build"))
        #expect(text.contains("VOLUME [\"/var/lib/complaint-gateway\"]"))
        #expect(text.contains("HEALTHCHECK") && text.contains("/healthz"))
        #expect(text.contains("USER gateway"), "not root")
    }

    @Test("shell completion covers every command", arguments: ["bash", "zsh", "fish"])
    func completion(_ shell: String) async throws {
        let r = try await ProcessRunner.run(ProcessRunner.gatewayExecutable, ["--generate-completion-script", shell])
        #expect(r.status == 0)
        for command in ["serve", "tap", "config", "token", "replay", "quarantine"] {
            #expect(r.stdout.contains(command), "\(shell): \(command)")
        }
    }
}

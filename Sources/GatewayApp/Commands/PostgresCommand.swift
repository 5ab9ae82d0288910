import ArgumentParser
import GatewayCore
import PostgresStore

/// `complaint-gateway postgres grants`: the SQL a least-privilege role needs.
struct PostgresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postgres",
        abstract: "Help for the PostgreSQL store.",
        subcommands: [Grants.self]
    )

    struct Grants: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grants",
            abstract: "Print the SQL that gives [storage]'s role what the gateway needs, and nothing more.",
            discussion: """
                Reads the role, database and schema from [storage] url and schema (type = "postgres"); \
                run the output once as the database owner: psql -d DATABASE -f grants.sql.
                """
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            do {
                let env = try GatewayEnvironment.load(global)
                guard env.config.storage.engine == .postgres, let settings = env.config.storage.postgres else {
                    StandardError.write("complaint-gateway: \(global.config): [storage] is not type = \"postgres\"; nothing to grant")
                    throw GatewayExit.config
                }
                print(PostgresGrants.script(for: settings))
            } catch let exit as ExitCode {
                throw exit
            } catch {
                throw GatewayExit.report(error)
            }
        }
    }
}

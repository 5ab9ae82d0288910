import GatewayCore

/// What a least-privilege PostgreSQL role needs to run the gateway, as SQL an
/// administrator runs once (`complaint-gateway postgres grants`).
///
/// The gateway creates and migrates its own tables, so its role needs to
/// connect to the database and to use and create in its schema; nothing on
/// the database itself (no CREATE ON DATABASE, no superuser). The schema is
/// created here by the administrator; the gateway only creates one that is
/// missing, and only when it may.
public enum PostgresGrants {
    public static func script(for settings: PostgresSettings) -> String {
        let role = quoted(settings.username), database = quoted(settings.database), schema = quoted(settings.schema)
        var lines = [
            "-- Run once as the database owner or a superuser (psql -d \(settings.database)):",
            "-- the role \(settings.username) then creates and migrates the gateway's tables in schema \(settings.schema) itself.",
            "DO $$ BEGIN",
            "    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \(literal(settings.username))) THEN",
            "        CREATE ROLE \(role) LOGIN;  -- then: \\password \(settings.username)",
            "    END IF;",
            "END $$;",
            "GRANT CONNECT ON DATABASE \(database) TO \(role);",
        ]
        if settings.schema == "public" {
            // Since PostgreSQL 15 ordinary roles may no longer create in public.
            lines.append("GRANT USAGE, CREATE ON SCHEMA public TO \(role);")
        } else {
            lines.append("CREATE SCHEMA IF NOT EXISTS \(schema) AUTHORIZATION \(role);")
            lines.append("GRANT USAGE, CREATE ON SCHEMA \(schema) TO \(role);")
        }
        lines.append("-- Tables the role did not create (a schema migrated by another role) need, besides:")
        lines.append("-- GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(schema) TO \(role);")
        lines.append("-- GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA \(schema) TO \(role);")
        return lines.joined(separator: "\n")
    }

    /// A SQL identifier, double-quoted.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A SQL string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

import Foundation

/// Validates JSON documents against a JSON Schema with a real validator:
/// Python's `jsonschema` (Draft 2020-12, with format checks), which `.ci/run`
/// installs. Returns one message per violation.
public enum JSONSchemaValidator {
    public enum Availability: Equatable {
        case available
        case missing(String)
    }

    public static var availability: Availability {
        guard let python = python3 else { return .missing("python3 not found") }
        let r = try? ProcessRunner.run(python, ["-c", "import jsonschema"])
        return r?.status == 0 ? .available : .missing("python3 module jsonschema not installed (pip install jsonschema)")
    }

    public static var python3: URL? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let url = URL(fileURLWithPath: String(dir)).appendingPathComponent("python3")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Violations of `schema` by each of `documents` (NDJSON-able JSON values).
    public static func violations(schema: URL, documents: [Data]) throws -> [String] {
        guard let python = python3 else { return ["python3 not found"] }
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
            for n, line in enumerate(sys.stdin):
                for e in v.iter_errors(json.loads(line)):
                    print(f"document {n}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
            """
        var input = Data()
        for d in documents {
            input.append(d)
            input.append(0x0A)
        }
        let result = try ProcessRunner.run(python, ["-c", script, schema.path], input: input)
        if result.status != 0 { return ["validator failed: \(result.stderr)"] }
        return result.lines
    }
}

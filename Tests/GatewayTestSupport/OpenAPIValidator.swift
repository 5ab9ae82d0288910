import Foundation

/// Checks HTTP responses against the repository's OpenAPI 3.1 document with
/// Python's `jsonschema` (the response schemas are JSON Schema 2020-12).
public enum OpenAPIValidator {
    /// One observed response.
    public struct Observed: Sendable {
        public var path: String
        public var method: String
        public var status: Int
        public var body: Data

        public init(path: String, method: String, status: Int, body: Data) {
            self.path = path
            self.method = method
            self.status = status
            self.body = body
        }
    }

    public static let document = RepositoryPaths.root.appendingPathComponent("docs/openapi.json")

    /// One message per response that is undocumented or does not match its schema.
    public static func violations(_ observed: [Observed]) throws -> [String] {
        guard let python = JSONSchemaValidator.python3 else { return ["python3 not found"] }
        let script = """
            import json, sys, jsonschema
            doc = json.load(open(sys.argv[1]))
            for n, line in enumerate(sys.stdin):
                case = json.loads(line)
                op = doc["paths"].get(case["path"], {}).get(case["method"])
                if op is None:
                    print(f"{case['method'].upper()} {case['path']}: not in the document"); continue
                response = op["responses"].get(str(case["status"]))
                if response is None:
                    print(f"{case['method'].upper()} {case['path']}: status {case['status']} not documented"); continue
                media = response.get("content", {}).get("application/json")
                if media is None:
                    continue
                pointer = "#/paths/" + case["path"].replace("~", "~0").replace("/", "~1") + f"/{case['method']}/responses/{case['status']}/content/application~1json/schema"
                root = dict(doc)
                root["$ref"] = pointer
                validator = jsonschema.Draft202012Validator(root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
                for e in validator.iter_errors(json.loads(case["body"])):
                    print(f"{case['method'].upper()} {case['path']} {case['status']}: {'/'.join(map(str, e.absolute_path))}: {e.message[:200]}")
            """
        var input = Data()
        for o in observed {
            let line: [String: Any] = ["path": o.path, "method": o.method, "status": o.status, "body": String(decoding: o.body, as: UTF8.self)]
            input.append(try JSONSerialization.data(withJSONObject: line))
            input.append(0x0A)
        }
        let result = try ProcessRunner.run(python, ["-c", script, document.path], input: input)
        if result.status != 0 { return ["validator failed: \(result.stderr)"] }
        return result.lines
    }
}

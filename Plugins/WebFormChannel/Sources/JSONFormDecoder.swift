import Foundation

/// Decodes an `application/json` form post: one object whose members are the
/// fields. Strings, numbers and booleans become text; null is an absent field;
/// an array of scalars is one field per element; nested objects are refused
/// (a form has no nesting, and a deep document is a known parser attack).
public struct JSONFormDecoder: Sendable {
    /// Why the body is not a usable JSON form.
    public struct DecodingError: Error, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Deeper documents are refused before Foundation parses them: a form needs
    /// depth 2 (an object holding arrays), and 100,000 nested brackets would
    /// otherwise exhaust the stack.
    public static let maxDepth = 8

    public init() {}

    public func decode(_ body: [UInt8]) throws(DecodingError) -> [FormField] {
        if let problem = Self.depthProblem(body) { throw DecodingError(reason: problem) }
        let members: [String: Member]
        do {
            members = try JSONDecoder().decode([String: Member].self, from: Data(body))
        } catch let error as DecodingError {
            throw error
        } catch let Swift.DecodingError.typeMismatch(_, context) where context.codingPath.isEmpty {
            throw DecodingError(reason: "a JSON form post must be an object of fields")
        } catch let Swift.DecodingError.valueNotFound(_, context) where context.codingPath.isEmpty {
            throw DecodingError(reason: "a JSON form post must be an object of fields, found null")
        } catch let Swift.DecodingError.dataCorrupted(context) {
            let detail = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            let field = context.codingPath.first.map { "field \"\($0.stringValue)\": " } ?? ""
            throw DecodingError(reason: field + "not valid JSON" + (detail.map { ": \($0)" } ?? (context.debugDescription.isEmpty ? "" : ": \(context.debugDescription)")))
        } catch let Swift.DecodingError.typeMismatch(_, context) {
            let field = context.codingPath.first?.stringValue ?? "?"
            throw DecodingError(reason: "field \"\(field)\" holds an object or nested array; fields are strings, numbers, booleans or arrays of them")
        } catch {
            throw DecodingError(reason: "not valid JSON: \(error)")
        }
        var fields: [FormField] = []
        for name in members.keys.sorted() {
            for text in members[name]!.values {
                fields.append(FormField(name: name, value: .text(text)))
            }
        }
        return fields
    }

    /// One member of the object: a scalar, null, or an array of scalars.
    private struct Member: Decodable {
        var values: [String]

        init(from decoder: any Decoder) throws {
            if var list = try? decoder.unkeyedContainer() {
                values = []
                while !list.isAtEnd {
                    if let v = try list.decode(Scalar.self).text { values.append(v) }
                }
            } else {
                values = try Scalar(from: decoder).text.map { [$0] } ?? []
            }
        }
    }

    private struct Scalar: Decodable {
        var text: String?

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                text = nil
            } else if let s = try? c.decode(String.self) {
                text = s
            } else if let b = try? c.decode(Bool.self) {
                text = b ? "true" : "false"
            } else if let i = try? c.decode(Int64.self) {
                text = String(i)
            } else if let d = try? c.decode(Decimal.self) {
                // Decimal keeps long account numbers that Double would round.
                text = "\(d)"
            } else {
                throw Swift.DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "not a scalar"))
            }
        }
    }

    /// A scan that skips strings, for what Foundation's parser lets through or
    /// cannot survive: nesting deeper than `maxDepth`, and trailing commas
    /// (`{"a":1,}`), which RFC 8259 forbids but Foundation accepts.
    static func depthProblem(_ body: [UInt8]) -> String? {
        var depth = 0
        var inString = false
        var escaped = false
        var lastSignificant: UInt8 = 0
        for b in body {
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false; lastSignificant = b }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > maxDepth { return "JSON nested deeper than \(maxDepth) levels" }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if lastSignificant == UInt8(ascii: ",") { return "not valid JSON: a trailing comma before \(b == UInt8(ascii: "}") ? "}" : "]")" }
                depth -= 1
            default: break
            }
            if b != 0x20, b != 0x09, b != 0x0A, b != 0x0D { lastSignificant = b }
        }
        return nil
    }
}

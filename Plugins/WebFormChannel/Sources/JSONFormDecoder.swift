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
        let quoted = try Self.quotingNumbers(body)
        let members: [String: Member]
        do {
            members = try JSONDecoder().decode([String: Member].self, from: Data(quoted))
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
            } else {
                throw Swift.DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "not a scalar"))
            }
        }
    }

    /// The body with every number literal turned into a string holding its
    /// exact text, so no number is ever altered: Foundation would round a
    /// 60-digit account number to zeros (Decimal keeps 38 digits, Double 17)
    /// and refuse `1e400`. A form field is text anyway; the number is kept as
    /// the client wrote it. Literals that are not JSON numbers (`01`, `1.`,
    /// `-`) are refused by name.
    static func quotingNumbers(_ body: [UInt8]) throws(DecodingError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 16)
        var inString = false
        var escaped = false
        // Containers open around the position, and whether an object key comes
        // next: `{1:2}` must stay invalid once its number is quoted.
        var containers: [UInt8] = []
        var expectsKey = false
        var i = 0
        while i < body.count {
            let b = body[i]
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                out.append(b)
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: "{"): containers.append(b); expectsKey = true
            case UInt8(ascii: "["): containers.append(b); expectsKey = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = containers.popLast(); expectsKey = false
            case UInt8(ascii: ","): expectsKey = containers.last == UInt8(ascii: "{")
            case UInt8(ascii: ":"): expectsKey = false
            default: break
            }
            if b == UInt8(ascii: "\"") {
                inString = true
                expectsKey = false
            } else if b == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) {
                if expectsKey { throw DecodingError(reason: "not valid JSON: an object key must be a string") }
                var end = i
                while end < body.count, Self.numberBytes.contains(body[end]) { end += 1 }
                let literal = body[i..<end]
                guard Self.isJSONNumber(literal) else {
                    throw DecodingError(reason: "not valid JSON: \"\(String(decoding: literal.prefix(40), as: UTF8.self))\" is not a number")
                }
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: literal)
                out.append(UInt8(ascii: "\""))
                i = end
                continue
            }
            out.append(b)
            i += 1
        }
        return out
    }

    private static let numberBytes = Set("-+.eE0123456789".utf8)

    /// RFC 8259: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isJSONNumber(_ literal: ArraySlice<UInt8>) -> Bool {
        var i = literal.startIndex
        let end = literal.endIndex
        func digits() -> Int {
            let start = i
            while i < end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(literal[i]) { i += 1 }
            return i - start
        }
        if i < end, literal[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end else { return false }
        if literal[i] == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { return false }
        if i < end, literal[i] == UInt8(ascii: ".") {
            i += 1
            if digits() == 0 { return false }
        }
        if i < end, literal[i] == UInt8(ascii: "e") || literal[i] == UInt8(ascii: "E") {
            i += 1
            if i < end, literal[i] == UInt8(ascii: "+") || literal[i] == UInt8(ascii: "-") { i += 1 }
            if digits() == 0 { return false }
        }
        return i == end
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

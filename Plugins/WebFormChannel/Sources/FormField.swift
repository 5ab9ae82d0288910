/// One field of a submitted form, in the order the client sent it.
public struct FormField: Sendable, Equatable {
    public var name: String
    public var value: FormValue

    public init(name: String, value: FormValue) {
        self.name = name
        self.value = value
    }
}

/// A form field's value: text, or an uploaded file.
public enum FormValue: Sendable, Equatable {
    case text(String)
    case file(FormUpload)

    /// The text of a text field; nil for a file.
    public var text: String? {
        if case .text(let s) = self { return s }
        return nil
    }
}

/// A file uploaded in a `multipart/form-data` post. Its bytes stay in the
/// archived request body; the complaint lists it as an attachment.
public struct FormUpload: Sendable, Equatable {
    public var filename: String?
    public var contentType: String
    public var data: [UInt8]

    public init(filename: String?, contentType: String, data: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

import HTTPTypes

/// Header names of form posts.
enum FormHeaders {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let signature = HTTPField.Name(RequestSignature.headerName)!
    static let maxIdempotencyKey = 255
}

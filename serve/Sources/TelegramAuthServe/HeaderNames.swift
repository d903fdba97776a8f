import HTTPTypes

/// The header names the gateway reads and writes, made once (a name is validated when it is made).
enum HeaderNames {
    static let user = HTTPField.Name("X-Auth-Request-User")!
    static let preferredUsername = HTTPField.Name("X-Auth-Request-Preferred-Username")!
    static let name = HTTPField.Name("X-Auth-Request-Name")!
    static let method = HTTPField.Name("X-Auth-Request-Method")!
    static let assertion = HTTPField.Name("X-Tgauth-Assertion")!
    static let forwardedMethod = HTTPField.Name("X-Forwarded-Method")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!
    static let forwardedURI = HTTPField.Name("X-Forwarded-Uri")!
    static let requestedWith = HTTPField.Name("X-Requested-With")!
    static let openerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}

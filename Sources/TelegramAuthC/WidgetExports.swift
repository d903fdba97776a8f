import CTGAuth
import TelegramAuth

// Login Widget data (tgauth_verify.h), its record forms (tgauth_record.h), the derived secret and the signer
// for fixtures.

@c @implementation public func tgauth_widget_new(
    _ verifier: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?, _ botToken: UnsafePointer<CChar>?, _ botTokenLen: Int
) -> Int32 {
    createHandle(verifier, err) { () throws(TelegramAuthError) in
        try LoginWidgetVerifier(botToken: try argumentText(botToken, botTokenLen, "the bot token"))
    }
}

@c @implementation public func tgauth_widget_free(_ verifier: OpaquePointer?) {
    release(verifier, as: LoginWidgetVerifier.self)
}

@c @implementation public func tgauth_widget_verify(
    _ verifier: OpaquePointer?, _ data: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ inputText: UnsafePointer<CChar>?, _ inputLen: Int, _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verify(verifier, as: LoginWidgetVerifier.self, data, err) { (v) throws(TelegramAuthError) in
        retainResult(try v.verify(bytes: try inputBytes(inputText, inputLen), options: options(check)))
    }
}

@c @implementation public func tgauth_widget_verify_fields(
    _ verifier: OpaquePointer?, _ data: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ fields: UnsafePointer<tgauth_field>?, _ fieldCount: Int, _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verify(verifier, as: LoginWidgetVerifier.self, data, err) { (v) throws(TelegramAuthError) in
        let o = options(check)
        let tooLarge = TelegramAuthError(.tooLarge, "the fields are longer than the limit of \(o.maxInputBytes) bytes")
        let list = try pairs(fields, fieldCount, budget: o.maxInputBytes, overBudget: tooLarge)
        return retainResult(try v.verify(fields: list, options: o))
    }
}

@c @implementation public func tgauth_widget_secret(_ secret: UnsafeMutablePointer<UInt8>?, _ botToken: UnsafePointer<CChar>?, _ botTokenLen: Int) -> Int32 {
    writeSecret(secret, botToken, botTokenLen) { TelegramSecrets.widgetSecret(botToken: $0) }
}

@c @implementation public func tgauth_sign_widget(
    _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?, _ botToken: UnsafePointer<CChar>?,
    _ botTokenLen: Int, _ fields: UnsafePointer<tgauth_field>?, _ fieldCount: Int, _ authDate: Int64
) -> Int32 {
    guard let outLen else { return TGAUTH_E_INVALID_ARGUMENT }
    do {
        let token = try argumentText(botToken, botTokenLen, "the bot token")
        let list = try pairs(fields, fieldCount, budget: Int.max, overBudget: .invalidArgument("the fields are too long"))
        let signed = try TelegramSigning.signWidget(botToken: token, fields: list, authDate: authDate)
        let query = signed.map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&")
        return writeOutput(Array(query.utf8) + [0], out, outLen, nil)
    } catch {
        return statusCode(error.kind)
    }
}

@c @implementation public func tgauth_widget_verify_record(
    _ verifier: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ inputText: UnsafePointer<CChar>?, _ inputLen: Int,
    _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verifyRecord(verifier, as: LoginWidgetVerifier.self, out, outLen, err) { (v, o, c) throws(TelegramAuthError) in
        ResultRecord.write(try v.verify(bytes: try inputBytes(inputText, inputLen), options: options(check)), into: o, capacity: c)
    }
}

@c @implementation public func tgauth_widget_verify_pairs_record(
    _ verifier: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ pairs: UnsafePointer<CChar>?, _ pairsLen: Int, _ pairCount: Int,
    _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verifyRecord(verifier, as: LoginWidgetVerifier.self, out, outLen, err) { (v, o, c) throws(TelegramAuthError) in
        let b = try inputBytes(pairs, pairsLen)
        return ResultRecord.write(try v.verify(nulSeparatedPairs: b, count: pairCount, options: options(check)), into: o, capacity: c)
    }
}

import CTGAuth
import TelegramAuth

// The Telegram Gateway's delivery reports (tgauth_verify.h, and its record in tgauth_record.h): one kind,
// its exports in one file. The report's type and accessors are generated from the schema.

@c @implementation public func tgauth_gateway_new(
    _ gateway: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ apiToken: UnsafePointer<CChar>?, _ apiTokenLen: Int, _ maxSkew: Int64
) -> Int32 {
    createHandle(gateway, err) { () throws(TelegramAuthError) in
        guard maxSkew >= -1 else { throw .invalidArgument("the timestamp skew must be -1 (the default) or not negative") }
        let skew = maxSkew == -1 ? GatewayReportVerifier.defaultMaxSkew : maxSkew
        return try GatewayReportVerifier(apiToken: try argument(apiToken, apiTokenLen, "the Gateway API token"), maxSkew: skew)
    }
}

@c @implementation public func tgauth_gateway_free(_ gateway: OpaquePointer?) { release(gateway, as: GatewayReportVerifier.self) }

@c @implementation public func tgauth_gateway_max_skew(_ gateway: OpaquePointer?) -> Int64 {
    gateway.map { unboxed($0, as: GatewayReportVerifier.self).maxSkew } ?? 0
}

/// Verifies with the C arguments: the headers are optional (NULL, 0 when the request had none).
func verifyReport(
    _ v: GatewayReportVerifier, _ body: UnsafePointer<CChar>?, _ bodyLen: Int, _ timestamp: UnsafePointer<CChar>?,
    _ timestampLen: Int, _ signature: UnsafePointer<CChar>?, _ signatureLen: Int, _ now: Int64
) throws(TelegramAuthError) -> GatewayReport {
    func header(_ p: UnsafePointer<CChar>?, _ n: Int, _ name: String) throws(TelegramAuthError) -> UnsafeBufferPointer<UInt8>? {
        p == nil && n == 0 ? nil : try argument(p, n, name)
    }
    return try v.verify(
        body: try inputBytes(body, bodyLen, limit: GatewayReportVerifier.maxBodyBytes),
        timestamp: try header(timestamp, timestampLen, GatewayReportVerifier.timestampHeader),
        signature: try header(signature, signatureLen, GatewayReportVerifier.signatureHeader), now: now == 0 ? nil : now)
}

@c @implementation public func tgauth_gateway_report_verify(
    _ gateway: OpaquePointer?, _ report: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ body: UnsafePointer<CChar>?, _ bodyLen: Int, _ timestamp: UnsafePointer<CChar>?, _ timestampLen: Int,
    _ signature: UnsafePointer<CChar>?, _ signatureLen: Int, _ now: Int64
) -> Int32 {
    verify(gateway, as: GatewayReportVerifier.self, report, err) { (v) throws(TelegramAuthError) in
        retainResult(try verifyReport(v, body, bodyLen, timestamp, timestampLen, signature, signatureLen, now))
    }
}

@c @implementation public func tgauth_gateway_report_verify_record(
    _ gateway: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ body: UnsafePointer<CChar>?, _ bodyLen: Int,
    _ timestamp: UnsafePointer<CChar>?, _ timestampLen: Int, _ signature: UnsafePointer<CChar>?, _ signatureLen: Int,
    _ now: Int64
) -> Int32 {
    verifyRecord(gateway, as: GatewayReportVerifier.self, out, outLen, err) { (v, o, c) throws(TelegramAuthError) in
        ResultRecord.write(try verifyReport(v, body, bodyLen, timestamp, timestampLen, signature, signatureLen, now), into: o, capacity: c)
    }
}

@c @implementation public func tgauth_gateway_sign(
    _ gateway: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ timestamp: UnsafePointer<CChar>?, _ timestampLen: Int, _ body: UnsafePointer<CChar>?, _ bodyLen: Int
) -> Int32 {
    guard let gateway else { return TGAUTH_E_INVALID_ARGUMENT }
    do {
        let stamp = try argumentText(timestamp, timestampLen, GatewayReportVerifier.timestampHeader)
        let signed = unboxed(gateway, as: GatewayReportVerifier.self)
            .signature(timestamp: stamp, body: try inputBytes(body, bodyLen, limit: GatewayReportVerifier.maxBodyBytes))
        return writeOutput(Array(signed.utf8) + [0], out, outLen, nil)
    } catch {
        return statusCode(error.kind)
    }
}

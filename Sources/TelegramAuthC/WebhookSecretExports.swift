import CTGAuth
import TelegramAuth

// The Bot API webhook secret token (tgauth_verify.h).

@c @implementation public func tgauth_webhook_secret_check(
    _ err: UnsafeMutablePointer<tgauth_error>?, _ secret: UnsafePointer<CChar>?, _ secretLen: Int,
    _ header: UnsafePointer<CChar>?, _ headerLen: Int
) -> Int32 {
    do throws(TelegramAuthError) {
        let token = try WebhookSecretToken(try argument(secret, secretLen, "the webhook secret"))
        // a header longer than any secret, or of no buffer's length, is not the secret: it is never read
        guard headerLen >= 0, headerLen <= WebhookSecretToken.maxLength else { throw WebhookSecretToken.refused }
        try token.check(header: header == nil && headerLen == 0 ? nil : try argument(header, headerLen, "the header"))
        return succeed(err)
    } catch {
        return report(err, error)
    }
}

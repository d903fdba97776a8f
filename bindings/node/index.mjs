// The ES module entry: the CommonJS package's exports, by name.
import tgauth from './index.js';

export const {
  MiniAppValidator, ThirdPartyValidator, LoginWidgetVerifier, GatewayReportVerifier, TelegramOIDC, checkWebhookSecret, AuthError,
  signInitData, signWidget, version, KeySetRefresher, TELEGRAM_JWKS, initDataGuard, widgetCallback, gatewayReports, verifyRequest,
  unauthorized,
} = tgauth;
export default tgauth;

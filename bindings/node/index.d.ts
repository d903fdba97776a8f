// tgauth for Node.js. The result types are generated from schema/results.json into results.d.ts.
import type { InitData, WidgetUser, GatewayReport, IDToken } from './results';

export type { InitData, WebAppUser, WebAppChat, WidgetUser, GatewayReport, DeliveryStatus, VerificationStatus, IDToken } from './results';

/** Limits of one check. */
export interface CheckOptions {
  /** The oldest `auth_date` accepted, in seconds; 0 turns the age check off. Default 86400. */
  maxAge?: number;
  /** The time to check against, Unix seconds. Default: the system clock. */
  now?: number;
  /** Longer input is refused (`too_large`) before it is parsed. Default 16384. */
  maxBytes?: number;
}

/** A check that failed: `kind` is the library's stable name, `field` the field at fault ('' when none). */
export class AuthError extends Error {
  readonly kind: string;
  readonly field: string;
}

/** Mini App initData checked with the bot token; the key is derived once. */
export class MiniAppValidator {
  constructor(botToken: string);
  /** `initData`: Telegram.WebApp.initData, or the whole `tma <initData>` header. Throws AuthError. */
  validate(initData: string | Uint8Array, options?: CheckOptions): InitData;
  isValid(initData: string | Uint8Array, options?: CheckOptions): boolean;
}

/** Mini App initData checked by Telegram's Ed25519 signature, with the bot id only. */
export class ThirdPartyValidator {
  constructor(botId: number, options?: { environment?: 'production' | 'test'; publicKey?: Uint8Array | string });
  validate(initData: string | Uint8Array, options?: CheckOptions): InitData;
  isValid(initData: string | Uint8Array, options?: CheckOptions): boolean;
}

/** Login Widget data: a query string, the callback URL, the JSON callback's text, or its fields. */
export class LoginWidgetVerifier {
  constructor(botToken: string);
  verify(data: string | Uint8Array | URLSearchParams | Record<string, string | number | boolean>, options?: CheckOptions): WidgetUser;
  isValid(data: string | Uint8Array | URLSearchParams | Record<string, string | number | boolean>, options?: CheckOptions): boolean;
}

/** Telegram Gateway delivery reports. */
export class GatewayReportVerifier {
  constructor(apiToken: string, options?: { maxSkew?: number });
  readonly maxSkew: number;
  /** `timestamp` and `signature`: the X-Request-Timestamp and X-Request-Signature headers. */
  verify(body: string | Uint8Array, options: { timestamp?: string | number | null; signature?: string | null; now?: number }): GatewayReport;
  sign(body: string | Uint8Array, timestamp: string | number): string;
}

/** Log In With Telegram id_tokens, verified against a key set given as its JSON text. */
export class TelegramOIDC {
  constructor(clientId: string | number, options?: { jwks?: string | Uint8Array | object });
  setJwks(jwks: string | Uint8Array | object): void;
  verify(idToken: string, options?: { nonce?: string | null; maxAge?: number; now?: number }): IDToken;
}

/** Fetches a TelegramOIDC's key set with fetch(), again on an unknown kid (at most once a minute). */
export class KeySetRefresher {
  constructor(oidc: TelegramOIDC, options?: { url?: string; fetch?: typeof fetch });
  refresh(): Promise<void>;
  verify(idToken: string, options?: { nonce?: string | null; maxAge?: number; now?: number }): Promise<IDToken>;
}
export const TELEGRAM_JWKS: string;

/** Throws AuthError `bad_webhook_secret` when the X-Telegram-Bot-Api-Secret-Token value is missing or differs. */
export function checkWebhookSecret(secret: string, headerValue: string | null | undefined): void;

/** Signers, for test fixtures. */
export function signInitData(botToken: string, fields: Record<string, unknown> | Array<[string, string]>,
  options?: { authDate?: number; seed?: Uint8Array | string; botId?: number }): string;
export function signWidget(botToken: string, fields: Record<string, string | number> | Array<[string, string]>,
  options?: { authDate?: number }): string;

/** The library's version. */
export const version: string;

type Handler = (req: any, res: any, next: (error?: unknown) => void) => void;
/** Express: `req.telegram` from `Authorization: tma …`, or 401 `{"error": kind}` with `WWW-Authenticate: tma`. */
export function initDataGuard(validator: MiniAppValidator | ThirdPartyValidator, options?: CheckOptions): Handler;
export function widgetCallback(verifier: LoginWidgetVerifier, onLogin: (req: any, res: any, user: WidgetUser) => unknown,
  options?: CheckOptions): Handler;
export function gatewayReports(verifier: GatewayReportVerifier, onReport: (req: any, res: any, report: GatewayReport) => unknown): Handler;
/** Web Fetch: the `Authorization: tma …` of `request` verified; throws AuthError. */
export function verifyRequest(request: Request, validator: MiniAppValidator | ThirdPartyValidator, options?: CheckOptions): InitData;
export function unauthorized(error: AuthError): Response;

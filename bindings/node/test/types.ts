// Checked by tsc (make test-node): the declarations describe the API as the tests use it.
import { MiniAppValidator, ThirdPartyValidator, LoginWidgetVerifier, GatewayReportVerifier, TelegramOIDC, AuthError,
  checkWebhookSecret, signInitData, KeySetRefresher, verifyRequest, InitData, WidgetUser, GatewayReport, IDToken } from '..';

const token = '123456:ABC';
const data: InitData = new MiniAppValidator(token).validate(signInitData(token, { user: { id: 1, first_name: 'A' } }), { maxAge: 0 });
const id: number | undefined = data.user?.id;
const name: string | undefined = data.user?.first_name;
const premium: boolean | undefined = data.user?.is_premium;
const ok: boolean = new ThirdPartyValidator(42, { environment: 'test', publicKey: new Uint8Array(32) }).isValid('x');
const user: WidgetUser = new LoginWidgetVerifier(token).verify(new URLSearchParams('id=1'), { now: 1 });
const first: string = user.first_name;
const report: GatewayReport = new GatewayReportVerifier('t', { maxSkew: 60 }).verify('{}', { timestamp: 1, signature: 'ab', now: 2 });
const cost: number = report.request_cost;
const oidc = new TelegramOIDC(7342037359, { jwks: '{"keys":[]}' });
const claims: IDToken = oidc.verify('a.b.c', { nonce: null });
const refreshed: Promise<IDToken> = new KeySetRefresher(oidc).verify('a.b.c');
checkWebhookSecret('s', undefined);
try {
  verifyRequest(new Request('https://x'), new MiniAppValidator(token));
} catch (error) {
  if (error instanceof AuthError) { const kind: string = error.kind; void kind; }
}
void [id, name, premium, ok, first, cost, claims, refreshed];

// The C++ view of tgauth: RAII handles with std::unique_ptr, one verifier held for the server's lifetime
// and shared by request threads. Build: c++ -std=c++17 example.cpp $(pkg-config --cflags --libs tgauth)
#include <tgauth.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace tg {

template <auto Free> struct Deleter {
    template <typename T> void operator()(T *p) const noexcept { Free(p); }
};
using MiniApp = std::unique_ptr<tgauth_mini_app, Deleter<tgauth_mini_app_free>>;
using ThirdParty = std::unique_ptr<tgauth_third_party, Deleter<tgauth_third_party_free>>;
using Widget = std::unique_ptr<tgauth_widget, Deleter<tgauth_widget_free>>;
using InitData = std::unique_ptr<tgauth_init_data, Deleter<tgauth_init_data_free>>;
using WidgetData = std::unique_ptr<tgauth_widget_data, Deleter<tgauth_widget_data_free>>;

struct AuthError : std::runtime_error {
    int code;
    std::string field;
    AuthError(int c, const tgauth_error &e)
        : std::runtime_error(std::string(tgauth_error_kind(c)) + ": " + e.message), code(c), field(e.field) {}
};

inline std::string_view str(const char *p, size_t n) { return p ? std::string_view(p, n) : std::string_view(); }

struct User {
    int64_t id;
    std::string first_name;
    std::optional<std::string> username;

    static User from(const tgauth_user *u) {
        size_t n = 0;
        const char *first = tgauth_user_first_name(u, &n);  // sets n; read it only afterwards
        User out{tgauth_user_id(u), std::string(str(first, n)), std::nullopt};
        if (const char *name = tgauth_user_username(u, &n)) out.username = std::string(name, n);
        return out;
    }
};

// One validator per bot token, created at startup; const methods are safe from any thread.
class MiniAppValidator {
  public:
    explicit MiniAppValidator(std::string_view token) {
        tgauth_mini_app *raw = nullptr;
        if (int rc = tgauth_mini_app_new(&raw, NULL, token.data(), token.size()); rc != TGAUTH_OK)
            throw std::invalid_argument(tgauth_strerror(rc));
        handle_.reset(raw);
    }
    InitData validate(std::string_view init_data, const tgauth_check *check = nullptr) const {
        tgauth_init_data *raw = nullptr;
        tgauth_error err;
        if (int rc = tgauth_mini_app_validate(handle_.get(), &raw, &err, init_data.data(), init_data.size(), check);
            rc != TGAUTH_OK)
            throw AuthError(rc, err);
        return InitData(raw);
    }

  private:
    MiniApp handle_;
};

std::string sign_init_data(std::string_view token, const std::vector<tgauth_field> &fields, int64_t auth_date) {
    size_t len = 0;
    // ask for the size first, then sign into a buffer of that size
    int rc = tgauth_sign_init_data(nullptr, &len, token.data(), token.size(), fields.data(), fields.size(), auth_date,
                                   nullptr, 0, 0);
    if (rc != TGAUTH_E_BUFFER_TOO_SMALL) throw std::runtime_error(tgauth_strerror(rc));
    std::string out(len, '\0');  // the size reported includes the NUL
    rc = tgauth_sign_init_data(out.data(), &len, token.data(), token.size(), fields.data(), fields.size(), auth_date,
                               nullptr, 0, 0);
    if (rc != TGAUTH_OK) throw std::runtime_error(tgauth_strerror(rc));
    out.resize(len - 1);
    return out;
}

}  // namespace tg

int main() {
    const std::string token = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8";  // fixture, not a live bot
    const tg::MiniAppValidator validator(token);                                   // lives as long as the server
    const int64_t now = static_cast<int64_t>(std::time(nullptr));

    // Mini App: four request threads share the one validator
    std::vector<std::string> requests;
    for (int i = 0; i < 4; i++) {
        std::string user = "{\"id\":" + std::to_string(1000 + i) + ",\"first_name\":\"User" + std::to_string(i) +
                           "\",\"username\":\"u" + std::to_string(i) + "\"}";
        requests.push_back("tma " + tg::sign_init_data(token, {{"user", 4, user.c_str(), user.size()}}, now));
    }
    std::vector<std::thread> threads;
    std::vector<tg::User> users(requests.size());
    for (size_t i = 0; i < requests.size(); i++)
        threads.emplace_back([&, i] { users[i] = tg::User::from(tgauth_init_data_user(validator.validate(requests[i]).get())); });
    for (auto &t : threads) t.join();
    for (const auto &u : users) std::printf("mini app (thread): id=%lld first_name=%s username=%s\n", (long long)u.id,
                                            u.first_name.c_str(), u.username.value_or("-").c_str());

    try {
        std::string bad = requests[0];
        bad[bad.size() - 1] = bad[bad.size() - 1] == '0' ? '1' : '0';
        validator.validate(bad);
        return 1;
    } catch (const tg::AuthError &e) {
        std::printf("tampered: %s (field %s)\n", e.what(), e.field.c_str());
    }

    // Login Widget: the JSON object of the JavaScript callback
    {
        tgauth_widget *raw = nullptr;
        if (tgauth_widget_new(&raw, NULL, token.data(), token.size()) != TGAUTH_OK) return 1;
        tg::Widget widget(raw);
        tgauth_field fields[] = {{"id", 2, "42", 2}, {"first_name", 10, "John", 4}};
        char query[512];
        size_t len = sizeof query;
        if (tgauth_sign_widget(query, &len, token.data(), token.size(), fields, 2, now) != TGAUTH_OK) return 1;
        tgauth_widget_data *data_raw = nullptr;
        tgauth_error err;
        if (int rc = tgauth_widget_verify(widget.get(), &data_raw, &err, query, strlen(query), nullptr); rc != TGAUTH_OK)
            throw tg::AuthError(rc, err);
        tg::WidgetData data(data_raw);
        auto u = tg::User::from(tgauth_widget_data_user(data.get()));
        std::printf("widget: id=%lld first_name=%s\n", (long long)u.id, u.first_name.c_str());
    }

    // Third party: Telegram's production key, bot id only
    {
        tgauth_third_party *raw = nullptr;
        if (tgauth_third_party_new(&raw, NULL, 7342037359LL, TGAUTH_ENVIRONMENT_PRODUCTION) != TGAUTH_OK) return 1;
        tg::ThirdParty third(raw);
        const std::string real =
            "user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%20%2B%20-%20%3F%20%5C%2F%22%2C%22last_name%22"
            "%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C%22is_premium%22%3Atrue"
            "%2C%22allows_write_to_pm%22%3Atrue%2C%22photo_url%22%3A%22https%3A%5C%2F%5C%2Ft.me%5C%2Fi%5C%2Fuserpic%5C%2F320"
            "%5C%2F4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg%22%7D&chat_instance=8134722200314281151&chat_type=private"
            "&auth_date=1733584787&signature=zL-ucjNyREiHDE8aihFwpfR9aggP2xiAo3NSpfe-p7IbCisNlDKlo7Kb6G4D0Ao2mBrSgEk4maLSdv6"
            "MLIlADQ&hash=2174df5b000556d044f3f020384e879c8efcab55ddea2ced4eb752e93e7080d6";
        tgauth_check check;
        tgauth_check_init(&check);
        check.max_age = 0;
        tgauth_init_data *d = nullptr;
        tgauth_error err;
        if (int rc = tgauth_third_party_validate(third.get(), &d, &err, real.data(), real.size(), &check); rc != TGAUTH_OK)
            throw tg::AuthError(rc, err);
        tg::InitData data(d);
        auto u = tg::User::from(tgauth_init_data_user(data.get()));
        std::printf("third party: id=%lld first_name=%s\n", (long long)u.id, u.first_name.c_str());
    }
    return 0;
}

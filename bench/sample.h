/* The benchmarks' sample data: the peer benchmark's Mini App initData fields (about 580 bytes signed,
 * realistic values) and a Login Widget user, with a fixture bot token (not a live bot). */
#ifndef TGAUTH_BENCH_SAMPLE_H
#define TGAUTH_BENCH_SAMPLE_H

#include <tgauth.h>

static const char TOKEN[] = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8";

#define SAMPLE_USER                                                                                       \
    "{\"id\":279058397,\"first_name\":\"Vladislav\",\"last_name\":\"Kibenko\",\"username\":\"user0\","     \
    "\"language_code\":\"ru\",\"is_premium\":true,\"allows_write_to_pm\":true,"                          \
    "\"photo_url\":\"https:\\/\\/t.me\\/i\\/userpic\\/320\\/abc0.svg\"}"
#define SAMPLE_SIGNATURE "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define SAMPLE_FIELD(k, v) {k, sizeof(k) - 1, v, sizeof(v) - 1}

/* initData fields without auth_date and hash; the first four are the third-party sample (no signature) */
static const tgauth_field sample_init_fields[5] = {
    SAMPLE_FIELD("query_id", "AAHdF6IQAAAAAN0XohDhrOrc0"), SAMPLE_FIELD("user", SAMPLE_USER),
    SAMPLE_FIELD("chat_instance", "-3788475317572404878"), SAMPLE_FIELD("chat_type", "private"),
    SAMPLE_FIELD("signature", SAMPLE_SIGNATURE)};

/* widget fields without auth_date and hash */
static const tgauth_field sample_widget_fields[5] = {
    SAMPLE_FIELD("id", "279058397"), SAMPLE_FIELD("first_name", "Vladislav"), SAMPLE_FIELD("last_name", "Kibenko"),
    SAMPLE_FIELD("username", "user0"), SAMPLE_FIELD("photo_url", "https://t.me/i/userpic/320/abc0.jpg")};

#endif

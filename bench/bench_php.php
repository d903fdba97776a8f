<?php

// make bench-php: the PHP binding on 500 signed initData samples of about 600 bytes (the fields of
// ../shared/bench/telegram_samples.py, signed here), beside kilogram/auth's isValidWebApp plus json_decode of
// the user when TGAUTH_PEER_KILOGRAM names a checkout of it (its src/, outside this repository). Contestants
// alternate round by round in one process; each figure is the median of the rounds. Never fails on timing.

declare(strict_types=1);

require __DIR__ . '/../bindings/php/vendor/autoload.php';

const TOKEN = '5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8';  // a fixture token, not a live bot
const SAMPLES = 500;
const ROUNDS = 15;
const REPEAT = 8;

$now = time();
$samples = [];
for ($i = 0; $i < SAMPLES; $i++) {
    $user = ['id' => 279058397 + $i, 'first_name' => 'Vladislav', 'last_name' => 'Kibenko', 'username' => "user$i", 'language_code' => 'ru',
        'is_premium' => true, 'allows_write_to_pm' => true, 'photo_url' => "https://t.me/i/userpic/320/abc$i.svg"];
    $samples[] = TgAuth\signInitData(TOKEN, ['query_id' => "AAHdF6IQAAAAAN0XohDhrOrc$i", 'user' => json_encode($user),
        'chat_instance' => (string) (-3788475317572404878 + $i), 'chat_type' => 'private', 'signature' => str_repeat('x', 86)], $now);
}

$validator = new TgAuth\MiniAppValidator(TOKEN);
$contestants = [
    'tgauth validate (typed)' => fn (string $s) => $validator->validate($s)->user->id,
    'tgauth isValid' => fn (string $s) => $validator->isValid($s),
];
$peer = getenv('TGAUTH_PEER_KILOGRAM');
if ($peer) {
    foreach (glob("$peer/src/Exceptions/*.php") as $file) {
        require_once $file;
    }
    require_once "$peer/src/Validator.php";
    $kilogram = new Kilogram\Auth\Validator(TOKEN);
    $contestants['kilogram/auth isValidWebApp + json_decode(user)'] = function (string $s) use ($kilogram) {
        if (!$kilogram->isValidWebApp($s)) {
            return false;
        }
        parse_str($s, $fields);
        return json_decode($fields['user'], true)['id'];
    };
}
foreach ($contestants as $name => $run) {  // each checks every sample once, and warms up
    foreach ($samples as $s) {
        if (!$run($s)) {
            throw new RuntimeException("$name refused a sample");
        }
    }
}
$times = array_fill_keys(array_keys($contestants), []);
for ($round = 0; $round < ROUNDS; $round++) {
    foreach ($contestants as $name => $run) {
        $start = hrtime(true);
        for ($r = 0; $r < REPEAT; $r++) {
            foreach ($samples as $s) {
                $run($s);
            }
        }
        $times[$name][] = (hrtime(true) - $start) / (REPEAT * SAMPLES);
    }
}
$median = function (array $xs): float {
    sort($xs);
    return $xs[intdiv(count($xs), 2)];
};
$ours = $median($times['tgauth validate (typed)']);
$bytes = intdiv(array_sum(array_map('strlen', $samples)), SAMPLES);
printf("== PHP %s (FFI): %d initData samples of %d bytes, %d alternating rounds\n", PHP_VERSION, SAMPLES, $bytes, ROUNDS);
foreach ($times as $name => $xs) {
    $ns = $median($xs);
    printf("  %-48s %8.2f us   %6.2fx tgauth's typed result\n", $name, $ns / 1000, $ns / $ours);
}
if (!$peer) {
    echo "  (set TGAUTH_PEER_KILOGRAM to a checkout of kilogram/auth to measure it beside)\n";
}

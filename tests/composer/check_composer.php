<?php

// Run from an empty project where the package was installed by Composer from its path repository: the public
// vectors verify through the installed package, with the library found by its soname.

declare(strict_types=1);

require __DIR__ . '/vendor/autoload.php';

$vectors = json_decode((string) file_get_contents($argv[1]), true, 64, JSON_THROW_ON_ERROR);
$checked = 0;
foreach ($vectors['mini_app_hmac'] as $v) {
    $data = (new TgAuth\MiniAppValidator($v['bot_token']))->validate($v['init_data'], maxAge: 0);
    if ($data->auth_date !== $v['expect']['auth_date'] || $data->user->id !== $v['expect']['user.id']) {
        throw new RuntimeException("{$v['name']}: wrong result");
    }
    $checked++;
}
foreach ($vectors['third_party_ed25519'] as $v) {
    if (isset($v['environment'])) {
        (new TgAuth\ThirdPartyValidator($v['bot_id'], $v['environment']))->validate($v['init_data'], maxAge: 0);
        $checked++;
    }
}
foreach ($vectors['login_widget'] as $v) {
    (new TgAuth\LoginWidgetVerifier($v['bot_token']))->verify($v['query'], maxAge: 0);
    $checked++;
}
$installed = realpath(__DIR__ . '/vendor/tgauth/tgauth');
echo "composer package: $checked vectors verify through $installed, the library by its soname\n";
echo "$checked passed, 0 failed\n";

<?php

declare(strict_types=1);

// The package's own autoloader (make test-php runs composer dump-autoload first, offline), and the repository's
// one copy of the vectors and the input table.
require __DIR__ . '/../vendor/autoload.php';

const TGAUTH_ROOT = __DIR__ . '/../../..';

/** @return array<string, mixed> */
function tgauth_vectors(): array
{
    return json_decode((string) file_get_contents(TGAUTH_ROOT . '/tests/vectors/telegram-vectors.json'), true, 64, JSON_THROW_ON_ERROR);
}

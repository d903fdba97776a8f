// C ABI: see include/tgauth.h

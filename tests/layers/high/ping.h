/* Breaks the rule: ping and pong depend on each other. */
#include "high/pong.h"

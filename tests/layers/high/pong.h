/* Breaks the rule: pong and ping depend on each other. */
#include "high/ping.h"

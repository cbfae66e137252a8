/* Breaks the rule: a lower layer including a higher one. */
#include "high/top.h"

/* Breaks the rule: an include that does not name its layer. */
#include "leaf.h"

/* Breaks the rule without an include: a call into the higher layer (found in the object). */
void high_callee(void);
void low_caller(void);
void low_caller(void) { high_callee(); }

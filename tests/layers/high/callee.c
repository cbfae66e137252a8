/* What low/caller.c calls. */
void high_callee(void);
void high_callee(void) {}

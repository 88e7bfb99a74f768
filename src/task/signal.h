/* task — abort signals, internal interface (signal.c). */
#ifndef TIDE_SIGNAL_INTERNAL_H
#define TIDE_SIGNAL_INTERNAL_H

#include "task/task.h"
#include "tide/signal.h"

/* The signal inside v, or NULL. */
tide__sig *tide__sig_of(tide_val v);

/* A task suspending at an await under s / resumed. */
void tide__sig_wait(tide__sig *s, tide__task *t);
void tide__sig_unwait(tide__task *t);

/* The status a wait cut short by s returns. */
int tide__sig_status(const tide__sig *s);

/* Takes the wait of task t back and resumes it, in a later job, with
 * status and reason (taken); nothing if its wait is already over. (task.c) */
void tide__task_cancel_wait(tide__task *t, int status, tide_val reason);

#endif

/* Declarations of every subcommand and its usage text (see commands.c). */
#ifndef DURESS_COMMANDS_H
#define DURESS_COMMANDS_H

int cmd_estimate(int argc, char **argv);
extern const char usage_estimate[];
int cmd_simulate(int argc, char **argv);
extern const char usage_simulate[];
int cmd_reproduce(int argc, char **argv);
extern const char usage_reproduce[];
int cmd_version(int argc, char **argv);
extern const char usage_version[];

int cmd_link(int argc, char **argv);
extern const char usage_link[];
int cmd_screen(int argc, char **argv);
extern const char usage_screen[];
int cmd_frameworks(int argc, char **argv);
extern const char usage_frameworks[];

#endif

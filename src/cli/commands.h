/* Every subcommand: its function and its spec (options, help, man page). */
#ifndef DURESS_COMMANDS_H
#define DURESS_COMMANDS_H

#include "opt.h"

#define CLI_COMMAND(name) \
	int cmd_##name(int argc, char **argv); \
	extern const struct cli_spec spec_##name

CLI_COMMAND(screen);
CLI_COMMAND(frameworks_list);
CLI_COMMAND(frameworks_show);
CLI_COMMAND(frameworks_questions);
CLI_COMMAND(link_encode);
CLI_COMMAND(link_match);
CLI_COMMAND(link_plain);
CLI_COMMAND(link_dedup);
CLI_COMMAND(estimate);
CLI_COMMAND(simulate);
CLI_COMMAND(reproduce);
CLI_COMMAND(report);
CLI_COMMAND(serve);
CLI_COMMAND(version);

#endif

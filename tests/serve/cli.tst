# duress serve on the command line: the store, users, backups; run by
# tests/cli/run.sh (see there for the format).  Passwords come on standard
# input, one a line; small Argon2id limits keep these lines quick.
# --- usage ----------------------------------------------------------------
P | ~^usage: duress serve | $DURESS serve --help
2 | ~--data DIR is required | $DURESS serve
2 | ~choose one of | $DURESS serve --data d --init --check
2 | ~--user NAME is required | $DURESS serve --data d --init
2 | ~--role goes with --add-user | $DURESS serve --data d --role worker --list-users
2 | ~takes no arguments | $DURESS serve --data d extra
# no password on the command line, ever: there is no option for one
2 | ~unknown option '--password' | $DURESS serve --data d --init --user ana --password x
# --- making a store ---------------------------------------------------------
1 | ~no password on standard input | $DURESS serve --init --data s --user ana --argon2-ops 1 --argon2-mib 8 < /dev/null
1 | ~at least 10 characters | echo short | $DURESS serve --init --data s --user ana --argon2-ops 1 --argon2-mib 8
CHECK | test ! -e s/duress.db
P | ~made a store in 's' with the coordinator ana | echo 'a long coordinator passphrase' | $DURESS serve --init --data s --user ana --argon2-ops 1 --argon2-mib 8
# the folder and the database are for this user only
P | ~^drwx------ | ls -ld s
P | ~^-rw------- | ls -l s/duress.db
1 | ~already holds a store | echo 'a long coordinator passphrase' | $DURESS serve --init --data s --user ana --argon2-ops 1 --argon2-mib 8
1 | ~there is no store in 'nowhere' | $DURESS serve --check --data nowhere
P | ~^ok: the store in 's' is sound \(0 cases\) | $DURESS serve --check --data s
# --- users ----------------------------------------------------------------------
P | ~added bea \(worker\) | printf 'a long coordinator passphrase\nfirst passphrase bea\n' | $DURESS serve --add-user bea --user ana --data s --argon2-ops 1 --argon2-mib 8
P | ~^ana	coordinator$ | $DURESS serve --list-users --data s
P | ~^bea	worker	\(must choose a new password\)$ | $DURESS serve --list-users --data s
1 | ~wrong user name or password | printf 'not the password!\nsome first passphrase\n' | $DURESS serve --add-user cai --user ana --data s --argon2-ops 1 --argon2-mib 8
# one message for a wrong password and for a name that does not exist
1 | ~wrong user name or password | printf 'a long coordinator passphrase\nsome first passphrase\n' | $DURESS serve --add-user cai --user nobody --data s --argon2-ops 1 --argon2-mib 8
1 | ~bea is not a coordinator | printf 'first passphrase bea\nsome first passphrase\n' | $DURESS serve --add-user cai --user bea --data s --argon2-ops 1 --argon2-mib 8
1 | ~already a user of that name | printf 'a long coordinator passphrase\nsome first passphrase\n' | $DURESS serve --add-user bea --user ana --data s --argon2-ops 1 --argon2-mib 8
P | ~gave bea a new first password | printf 'a long coordinator passphrase\nanother passphrase\n' | $DURESS serve --reset-password bea --user ana --data s --argon2-ops 1 --argon2-mib 8
1 | ~the last coordinator cannot be removed | echo 'a long coordinator passphrase' | $DURESS serve --remove-user ana --user ana --data s
P | ~removed bea | echo 'a long coordinator passphrase' | $DURESS serve --remove-user bea --user ana --data s
P | !bea | $DURESS serve --list-users --data s
# --- backup and restore -------------------------------------------------------
P | ~wrote an encrypted backup to 'b.dbk' | echo 'a long coordinator passphrase' | $DURESS serve --backup b.dbk --user ana --data s
P | ~^-rw------- | ls -l b.dbk
P | ~^DURESSBK | head -c 8 b.dbk
# nothing of the store in the clear in the backup but its header
CHECK | ! grep -q 'SQLite format' b.dbk
1 | ~wrong user name or password | echo 'not the password!' | $DURESS serve --restore b.dbk --data r --user ana
CHECK | test ! -e r/duress.db
P | ~restored the backup 'b.dbk' into 'r' | echo 'a long coordinator passphrase' | $DURESS serve --restore b.dbk --data r --user ana
P | ~^ok: the store in 'r' is sound | $DURESS serve --check --data r
P | ~^ana	coordinator$ | $DURESS serve --list-users --data r
1 | ~already holds a store | echo 'a long coordinator passphrase' | $DURESS serve --restore b.dbk --data r --user ana
# a changed byte anywhere and the backup does not open
1 | ~changed or damaged|not a duress backup | cp b.dbk c.dbk && printf 'X' | dd of=c.dbk bs=1 seek=2000 conv=notrunc 2>/dev/null && echo 'a long coordinator passphrase' | $DURESS serve --restore c.dbk --data r2 --user ana
1 | ~not a duress backup | printf 'hello' > x.dbk && echo 'a long coordinator passphrase' | $DURESS serve --restore x.dbk --data r3 --user ana
# --- starting ------------------------------------------------------------------
1 | ~not an address to listen on | $DURESS serve --data s --listen nonsense
1 | ~not an IP address | $DURESS serve --data s --listen example.org:8080
1 | ~there is no store in 'nowhere' | $DURESS serve --data nowhere

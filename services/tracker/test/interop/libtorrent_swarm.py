#!/usr/bin/python3
"""
A libtorrent seeder and a libtorrent leecher find each other only through our tracker and move one file.
Usage: libtorrent_swarm.py TORRENT SEED_DIR LEECH_DIR TIMEOUT_S. Prints one JSON line: {"ok": bool, ...}.
"""
import json
import sys
import time
import libtorrent as lt

torrent, seed_dir, leech_dir, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])


def session(iface):
    return lt.session({
        "listen_interfaces": iface,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "allow_multiple_connections_per_ip": True,
        "announce_to_all_trackers": True,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.tracker_notification
        | lt.alert.category_t.status_notification,
    })


def add(ses, save_path, seed_mode):
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = save_path
    if seed_mode:
        params.flags |= lt.torrent_flags.seed_mode
    return ses.add_torrent(params)


seeder_ses = session("127.0.0.1:0")
# Both on 127.0.0.1: libtorrent caches UDP connection ids per tracker process-wide, so two sessions in one
# process on different addresses would reuse the other address's id (a test artefact, not a tracker issue).
leecher_ses = session("127.0.0.1:0")
seeder = add(seeder_ses, seed_dir, True)
events = []
deadline = time.time() + timeout


def collect():
    for ses, who in ((seeder_ses, "seeder"), (leecher_ses, "leecher")):
        for a in ses.pop_alerts():
            if isinstance(a, (lt.tracker_reply_alert, lt.tracker_error_alert, lt.tracker_warning_alert)):
                events.append(f"{who}: {a.message()}")


# The leecher joins once the seeder's announces (v1 and v2 of this hybrid torrent) are answered, so that only the
# leecher learns of a peer and dials. With both added at once, in ~1 run in 8 on a loaded machine (with the tracker
# of before and after the eighth session's changes alike) each side learned of the other, for one hash each, and no
# connection came up within 60 s: libtorrent's crossing dials, not the tracker's replies.
while time.time() < deadline and sum(e.startswith("seeder:") for e in events) < 2:
    collect()
    time.sleep(0.05)
leecher = add(leecher_ses, leech_dir, False)
ok = False
while time.time() < deadline:
    collect()
    if leecher.status().is_seeding:
        ok = True
        break
    time.sleep(0.2)
print(json.dumps({
    "ok": ok,
    "leecher_state": str(leecher.status().state),
    "progress": leecher.status().progress,
    "events": events[-10:],
}))

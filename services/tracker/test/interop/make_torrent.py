#!/usr/bin/python3
"""Writes a .torrent for one file with the given tracker URL: make_torrent.py FILE TRACKER_URL OUT."""
import sys
import libtorrent as lt

path, tracker, out = sys.argv[1], sys.argv[2], sys.argv[3]
fs = lt.file_storage()
lt.add_files(fs, path)
t = lt.create_torrent(fs, piece_size=64 * 1024)
t.add_tracker(tracker)
import os
lt.set_piece_hashes(t, os.path.dirname(path))
with open(out, "wb") as f:
    f.write(lt.bencode(t.generate()))
print(str(lt.torrent_info(out).info_hash()))

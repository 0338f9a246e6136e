"""The worker's nightly backup: the whole database into BACKUP_DIR, older files let go."""

import os
import time
import zipfile

from survey_app.backup import archive
from survey_app.extensions import db
from survey_app.worker import KEEP_BACKUPS, nightly_backup


def test_the_nightly_backup_writes_a_whole_backup_and_keeps_thirty_days(app, world, tmp_path, wipe):
    old, recent = tmp_path / "sao-luu-2020-01-01.zip", tmp_path / "sao-luu-2020-01-02.zip"
    for path, age in ((old, KEEP_BACKUPS.days + 1), (recent, KEEP_BACKUPS.days - 1)):
        path.write_bytes(b"an older backup")
        stamp = time.time() - age * 86400
        os.utime(path, (stamp, stamp))
    db.session.commit()  # the backup reads on a connection of its own
    written = nightly_backup(tmp_path)
    assert not old.exists() and recent.exists()
    manifest = archive.read_manifest(written)
    archive.verify(written, manifest)
    assert manifest.tables["household"]["rows"] == 3 and manifest.tables["user"]["rows"] >= 4
    assert zipfile.is_zipfile(written)

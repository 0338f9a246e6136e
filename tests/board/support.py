"""The access walk's notice board: Thôn 1's, switched on."""

from survey_app.extensions import db

WALK_BOARD = "walkboard000000000000000000000001"[:32]


def walk_board(world) -> str:
    if world.thon1.board_token != WALK_BOARD:
        world.thon1.board_token, world.thon1.board_public = WALK_BOARD, True
        db.session.commit()
    return WALK_BOARD

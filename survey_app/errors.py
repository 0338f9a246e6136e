"""Plain Vietnamese error pages (the sync API answers JSON through its own handlers)."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Trang gửi lên không đúng. Hãy quay lại và thử lại."),
    403: ("Không có quyền", "Tài khoản của bạn không được mở trang này."),
    404: ("Không tìm thấy", "Trang hoặc hồ sơ này không có, hoặc không thuộc thôn/xã của bạn."),
    413: ("Tệp quá lớn", "Tệp gửi lên vượt quá giới hạn cho phép."),
    500: ("Có lỗi ở máy chủ", "Dữ liệu chưa bị thay đổi. Hãy thử lại sau ít phút."),
}


def _page(code: int, detail: str | None = None):
    title, text = MESSAGES[code]
    return render_template("errors.html", code=code, title=title, text=detail or text), code


def _http_error(exc: HTTPException):
    if exc.code is None or exc.code < 400:  # routing redirects are not errors
        return exc
    return _page(exc.code) if exc.code in MESSAGES else exc


def register(app: Flask) -> None:
    """Install the error pages on ``app``.

    Registered for the HTTPException class rather than per status code: Flask looks up
    code-specific handlers of the app before class handlers of a blueprint, and the sync API's
    blueprint must keep answering its errors as JSON.
    """
    app.register_error_handler(HTTPException, _http_error)

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return _page(
            400,
            "Phiên làm việc đã hết hạn hoặc trang đã cũ. Hãy tải lại trang (đăng nhập lại nếu "
            "cần) rồi gửi lại.",
        )

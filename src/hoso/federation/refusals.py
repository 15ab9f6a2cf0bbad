"""The hub's and the node's stable refusal codes, each with its Vietnamese message.

A code never changes meaning: nodes, tests and the audit chain match on it. Messages may take
details (the node, the numbers) as keyword arguments.
"""

from __future__ import annotations

from hoso.core.errors import Problem

MESSAGES = {
    # Who is sending (the TLS client certificate and the packet's node).
    "unknown_node": "Chứng thư số của nút gửi chưa được đăng ký với Cơ sở dữ liệu quốc gia.",
    "node_mismatch": (
        "Gói dữ liệu ghi nút «{claimed}» nhưng được gửi bằng chứng thư số của nút «{node}»."
    ),
    # The packet itself.
    "malformed_packet": "Gói dữ liệu không đúng định dạng: {detail}.",
    "bad_signature": "Chữ ký số của gói dữ liệu không hợp lệ: {detail}.",
    "sequence_gap": (
        "Gói số {seq} đến trước các gói còn thiếu: Cơ sở dữ liệu quốc gia mới nhận đến gói số "
        "{last} của nút «{node}»."
    ),
    "sequence_reused": (
        "Số thứ tự {seq} của nút «{node}» đã được dùng cho một gói dữ liệu khác; gói này bị từ "
        "chối."
    ),
    "chain_broken": (
        "Gói số {seq} không nối tiếp gói trước (mã băm của gói trước không khớp): chuỗi gói "
        "dữ liệu của nút «{node}» bị đứt hoặc bị sửa."
    ),
    # The national registry (R-NO-SILO).
    "managed_elsewhere": (
        "Số định danh {personal_id} đã có hồ sơ do {agency} quản lý trên Cơ sở dữ liệu quốc "
        "gia; không tạo hồ sơ thứ hai. Đề nghị liên hệ cơ quan đó để tiếp nhận hồ sơ (chuyển "
        "công tác)."
    ),
    "not_registered": "Số định danh {personal_id} chưa có trong Cơ sở dữ liệu quốc gia.",
    "bad_personal_id": "Số định danh «{personal_id}» không hợp lệ.",
    # The node's side of the conversation.
    "hub_unavailable": (
        "Không kết nối được Cơ sở dữ liệu quốc gia ({detail}), nên chưa kiểm tra được số định "
        "danh này đã có hồ sơ ở cơ quan khác hay chưa. Hệ thống chưa tạo hồ sơ mới (để không "
        "sinh hồ sơ trùng); hồ sơ đã có vẫn cập nhật bình thường và được gửi đi khi kết nối lại."
    ),
    "bad_ack": "Xác nhận của Cơ sở dữ liệu quốc gia không có chữ ký số hợp lệ: {detail}.",
    "node_not_configured": (
        "Nút chưa được cấu hình liên thông (HOSO_FEDERATION_NODE_ID, khóa và chứng thư số của nút)."
    ),
}


def message(code: str, **details: object) -> str:
    return MESSAGES[code].format(**details)


def problem(code: str, **details: object) -> Problem:
    return Problem(
        code, message(code, **details), "personal_id" if "personal_id" in details else ""
    )

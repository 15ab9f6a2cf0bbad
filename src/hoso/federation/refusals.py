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
    "managed_elsewhere_write": (
        "Hồ sơ {personal_id} đã được bàn giao cho {agency} quản lý (ngày {moved_on}); nơi này "
        "chỉ còn bản lưu để tra cứu, không cập nhật được. Đề nghị gửi thay đổi cho {agency}."
    ),
    "not_registered": "Số định danh {personal_id} chưa có trong Cơ sở dữ liệu quốc gia.",
    "bad_personal_id": "Số định danh «{personal_id}» không hợp lệ.",
    # The hand-over of a dossier between managing nodes (R-NO-SILO).
    "handover_not_managed": (
        "Nút «{node}» không quản lý hồ sơ số định danh {personal_id} trên Cơ sở dữ liệu quốc "
        "gia ({agency} quản lý); chỉ cơ quan đang quản lý mới được bàn giao hồ sơ."
    ),
    "handover_not_records_manager": (
        "Chỉ cán bộ quản lý hồ sơ được giao quản lý hồ sơ {personal_id} mới được bàn giao hồ sơ "
        "này cho cơ quan khác."
    ),
    "handover_same_node": "Không bàn giao hồ sơ cho chính cơ quan đang quản lý («{node}»).",
    "handover_unknown_receiver": (
        "Nút tiếp nhận «{node}» chưa được đăng ký với Cơ sở dữ liệu quốc gia."
    ),
    "hub_unavailable_accept": (
        "Không kết nối được Cơ sở dữ liệu quốc gia để xác nhận đã chuyển quyền quản lý hồ sơ "
        "(mã bàn giao {handover_id}) cho cơ quan này; chưa tiếp nhận gì, hãy thử lại sau."
    ),
    "handover_no_package": (
        "Không có gói bàn giao «{handover_id}» trong thư mục tiếp nhận của cơ quan này."
    ),
    "handover_unknown_unit": (
        "Đơn vị tiếp nhận «{unit}» không có trong cây tổ chức của cơ quan này; chọn một đơn vị "
        "của cơ quan tiếp nhận hồ sơ."
    ),
    "handover_unit_not_valid": (
        "Đơn vị tiếp nhận «{unit}» không còn hoặc chưa có hiệu lực vào ngày {on}."
    ),
    "handover_outbox_pending": (
        "Hồ sơ {personal_id} còn {count} gói dữ liệu chưa được Cơ sở dữ liệu quốc gia xác nhận; "
        "chờ gửi xong rồi bàn giao, để không thay đổi nào bị bỏ lại."
    ),
    "handover_in_progress": (
        "Hồ sơ {personal_id} đang được bàn giao cho {agency}; tạm dừng mọi cập nhật cho đến khi "
        "bàn giao xong hoặc bị từ chối."
    ),
    "handover_malformed": "Gói bàn giao không đúng định dạng: {detail}.",
    "handover_bad_signature": "Chữ ký số của gói bàn giao không hợp lệ: {detail}.",
    "handover_tampered": ("Gói bàn giao đã bị thay đổi sau khi ký ({detail}); không tiếp nhận gì."),
    "handover_not_for_us": (
        "Gói bàn giao gửi cho nút «{to}», không phải nút này («{node}»); không tiếp nhận."
    ),
    "handover_not_moved": (
        "Cơ sở dữ liệu quốc gia chưa ghi nút này là cơ quan quản lý hồ sơ {personal_id} theo "
        "bàn giao {handover_id}; không tiếp nhận."
    ),
    "handover_conflict": (
        "Mã bàn giao {handover_id} đã được dùng cho một bàn giao khác; gói này bị từ chối."
    ),
    # The node's side of the conversation.
    "hub_unavailable": (
        "Không kết nối được Cơ sở dữ liệu quốc gia ({detail}), nên chưa kiểm tra được số định "
        "danh này đã có hồ sơ ở cơ quan khác hay chưa. Hệ thống chưa tạo hồ sơ mới (để không "
        "sinh hồ sơ trùng); hồ sơ đã có vẫn cập nhật bình thường và được gửi đi khi kết nối lại."
    ),
    "hub_unavailable_handover": (
        "Không kết nối được Cơ sở dữ liệu quốc gia ({detail}); bàn giao chưa xong. Hồ sơ tạm "
        "dừng cập nhật; chạy lại lệnh bàn giao khi kết nối lại (không bàn giao hai lần)."
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

"""Reference data every service shares (DOMAIN.md): Beijing's districts and the youth types."""
from __future__ import annotations

from pathlib import Path

# GB/T 2260 codes of Beijing's 16 districts → name shown on screen.
DISTRICTS: dict[str, str] = {
    "110101": "东城区", "110102": "西城区", "110105": "朝阳区", "110106": "丰台区",
    "110107": "石景山区", "110108": "海淀区", "110109": "门头沟区", "110111": "房山区",
    "110112": "通州区", "110113": "顺义区", "110114": "昌平区", "110115": "大兴区",
    "110116": "怀柔区", "110117": "平谷区", "110118": "密云区", "110119": "延庆区",
}

YOUTH_TYPES: dict[str, str] = {
    "ONLINE_CULTURE": "网络文化青年",
    "INDEPENDENT_ART": "独立文艺青年",
    "NEW_BUSINESS": "生活新业态青年",
}

SUBTYPES: dict[str, tuple[str, str]] = {  # subtype → (youth type, name on screen)
    "STREAMER": ("ONLINE_CULTURE", "主播"),
    "ONLINE_WRITER": ("ONLINE_CULTURE", "网络作家"),
    "CONTENT_CREATOR": ("ONLINE_CULTURE", "新媒体内容创作者"),
    "ESPORTS": ("ONLINE_CULTURE", "游戏电竞从业者"),
    "DESIGNER": ("INDEPENDENT_ART", "设计师"),
    "MUSICIAN": ("INDEPENDENT_ART", "独立音乐人"),
    "ARTIST": ("INDEPENDENT_ART", "独立艺术家/演员"),
    "PHOTOGRAPHER": ("INDEPENDENT_ART", "摄影师"),
    "DELIVERY_RIDER": ("NEW_BUSINESS", "外卖骑手"),
    "COURIER": ("NEW_BUSINESS", "快递员"),
    "RIDE_HAILING_DRIVER": ("NEW_BUSINESS", "网约车司机"),
    "OTHER_PLATFORM_WORKER": ("NEW_BUSINESS", "其他平台从业者"),
}

# Stations (DOMAIN.md "Stations and services"): kinds of station and services delivered there.
STATION_KINDS: dict[str, str] = {
    "WARM_HEART": "暖心驿站", "RIDER_REFUEL": "小哥加油站", "DREAM_SPACE": "筑梦空间",
}
SERVICE_TYPES: dict[str, str] = {
    "HEALTH_CHECK": "体检", "FREE_CLINIC": "义诊", "HAIRCUT": "理发", "LEGAL": "法律咨询",
    "CAREER": "职业发展", "SOCIAL_SECURITY": "社会保障", "REST": "休息 / 充电 / 饮水", "OTHER": "其他",
}


def _departments() -> dict[str, str]:
    """The joint meeting's member departments, from chassis/departments.yaml (data the league office keeps)."""
    import yaml  # here: only this list needs it

    path = Path(__file__).with_name("departments.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"{path}: expected a mapping of department code to name")
    return data


# Departments of the joint meeting (市委组织部, 市人力社保局 …): code → name on screen.
DEPARTMENTS: dict[str, str] = _departments()

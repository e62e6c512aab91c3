"""The OAuth token answer: `{"data": {"accessToken": "<JWT>", "ttlSeconds": 300}, "errors": null}`."""

from __future__ import annotations

from pydantic import Field, SecretStr

from tillui.api.models.base import ApiModel


class OAuthToken(ApiModel):
    access_token: SecretStr
    ttl_seconds: float = Field(gt=0)


class OAuthAnswer(ApiModel):
    data: OAuthToken

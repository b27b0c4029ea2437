"""asso: AWS profiles and IAM Identity Center sessions for zsh and bash."""

__version__ = "0.1.0"

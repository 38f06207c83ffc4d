from .permissions import is_administrator, is_coordinator, is_member


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_administrator": is_administrator(user),
        "is_coordinator": is_coordinator(user),
        "is_member": is_member(user),
    }

# Writes connections.json with N connections: seed.py FOLDER N [long|pvz]
#   long (default): all five systems, long names, expiry dates, some checks and pending steps;
#   pvz: a ПВЗ list as «ПВЗ из CSV…» makes it (code, address, e-mail; awaiting a token), a third
#        of them finished (token in the keyring, a check on record).
import json, uuid, datetime, sys
kinds=[("elma365","ELMA365"),("vision-ellcom","Vision Ellcom → WB Point"),("eis-token","ЕИС → РИС"),("ivideon-pass24","Ivideon → PASS24.online"),("eis-bft","ЕИС → БФТ.Закупки")]
today=datetime.date.today()
out=[]
n=int(sys.argv[2])
mode=sys.argv[3] if len(sys.argv) > 3 else "long"
for i in range(n):
    if mode == "pvz":
        code=str(100000+i)
        name=f"ПВЗ {code}"
        c={"id":str(uuid.uuid4()),"name":name,"flow":"vision-ellcom","system":"Vision Ellcom → WB Point",
           "created":"2026-11-01T10:00:00Z",
           "fields":{"email":f"pvz-{code}@example.ru","pvz_address":f"г. Мурманск, ул. Героев-Североморцев, д. {i % 300 + 1}, пом. {i % 7 + 1}",
                     "pvz_code":code,"pvz_name":name},
           "tables":{},"secrets":[]}
        if i % 3 == 0:
            c["secrets"]=["token"]
            c["last_check"]={"at":"2026-11-30T10:00:00Z","kind":"ok"}
        else:
            c["pending_step"]=2
        out.append(c)
        continue
    flow,system=kinds[i%5]
    c={"id":str(uuid.uuid4()),"name":f"{system} — пункт выдачи заказов на улице Героев-Североморцев, дом {i}, корпус 2","flow":flow,"system":system,
       "created":"2026-11-01T10:00:00Z","fields":{},"tables":{},"secrets":[],
       "expires":(today+datetime.timedelta(days=i%60)).isoformat()}
    if i%3==0:
        c["last_check"]={"at":"2026-11-30T10:00:00Z","kind":"no_secret" if i%2==0 else "rejected","detail":"Сервер ответил 401"}
    if i%5==1: c["pending_step"]=3
    out.append(c)
json.dump({"version":1,"connections":out},open(sys.argv[1]+"/connections.json","w"),ensure_ascii=False)
